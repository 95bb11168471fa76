/** The emulated token providers: the four seeds and seven vendors. */
export type ProviderName =
  | 'alertsite'
  | 'klearstack'
  | 'opsramp'
  | 'aspnet'
  | 'github'
  | 'google'
  | 'salesforce'
  | 'okta'
  | 'entra'
  | 'auth0'
  | 'zoom';

/**
 * A failure the token endpoint can be switched into with {@link ProviderEmulator.fault}.
 *
 * - `down`: the socket is destroyed without an answer (fetch rejects).
 * - `slow`: no answer for 30 s, then the normal answer if the client is still there.
 * - `error500`: 500 `text/plain` `Internal Server Error`.
 * - `html`: 200 `text/html` maintenance page.
 * - `garbage`: 200 `application/json` with the truncated body `{"access_tok`.
 * - `huge`: 200 JSON whose `access_token` is a 5 MiB string.
 * - `missingField`: 200 JSON shaped like the provider's answer but without `access_token`.
 */
export type FaultKind = 'down' | 'slow' | 'error500' | 'html' | 'garbage' | 'huge' | 'missingField';

/** Live counters of one emulator. The object is mutated in place; read it at any time. */
export interface EmulatorStats {
  /** Token endpoint hits that issued a token (successful logins and refreshes). */
  tokenRequests: number;
  /** Every token endpoint hit, including rejected and faulted ones. */
  tokenAttempts: number;
  /** Successful refresh-token exchanges (klearstack only). */
  refreshRequests: number;
  /** Requests received under the API base URL. */
  apiCalls: number;
  /** API requests answered 401. */
  unauthorized: number;
  /** API requests whose client disconnected before the answer was sent. */
  abortedApiCalls: number;
  /** The last request to a token endpoint, as received (body as UTF-8 text). */
  lastTokenRequest?: {
    /** HTTP method, e.g. `POST`. */
    method: string;
    /** Request headers as Node received them (names lower-cased). */
    headers: Record<string, string | string[] | undefined>;
    /** Request body as UTF-8 text. */
    body: string;
  };
}

/** What every provider emulator offers; each provider adds its credentials. */
export interface ProviderEmulator {
  /** Which provider this emulates. */
  readonly name: ProviderName;
  /** `http://HOST:PORT`, no trailing slash. */
  readonly origin: string;
  /** Full URL of the documented token endpoint. */
  readonly tokenUrl: string;
  /** Base URL of the provider's API, ending in `/`; use it as a client's `baseUrl`. */
  readonly apiBaseUrl: string;
  /** Live counters (mutated in place). */
  readonly stats: EmulatorStats;
  /** Turn a fault on for the token endpoint; `null` clears it. */
  fault(kind: FaultKind | null): void;
  /** Revoke every token issued so far: the next API call with one of them answers 401. */
  revokeAll(): void;
  /** Zero the counters (in place) and forget `lastTokenRequest`. */
  resetStats(): void;
}
