/** What a {@link TokenFlow} returns: one answer of a token endpoint, parsed and validated. */
export interface TokenResponse {
  /** The access token string. */
  accessToken: string;
  /** Authorization scheme, e.g. `Bearer`. Defaults to the client's `scheme`. */
  tokenType?: string;
  /** Lifetime in seconds, counted by the manager from the moment the request was sent. */
  expiresIn?: number;
  /** Absolute expiry in epoch milliseconds (JWT `exp`, `.expires`). Used when `expiresIn` is absent. */
  expiresAt?: number;
  /** Refresh token, when the flow issues one. */
  refreshToken?: string;
  /** Other fields of the response the caller may want (`scope`, `userName`, `release_version`...). */
  extras?: Readonly<Record<string, unknown>>;
}

/** The serializable record a {@link TokenStore} keeps. Contains secrets: stores must protect it. */
export interface StoredToken {
  /** The access token string. */
  accessToken: string;
  /** Authorization scheme, e.g. `Bearer`. */
  tokenType: string;
  /** Epoch ms when the request that produced it was sent. */
  issuedAt: number;
  /** Epoch ms after which it must not be used. */
  expiresAt: number;
  /** Refresh token, when the flow issued one. */
  refreshToken?: string;
  /** Other fields of the token response (`scope`, `userName`, `release_version`...). */
  extras?: Readonly<Record<string, unknown>>;
}

const REDACTED = '[redacted]';
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A cached access token as handed to callers.
 *
 * The token and refresh token are readable through `accessToken` and `refreshToken`, but never appear in
 * `JSON.stringify`, `util.inspect`, `String()` or template literals.
 *
 * @example
 * const token = await clients.opsramp.getToken();
 * headers.set('authorization', `${token.tokenType} ${token.accessToken}`);
 */
export class AccessToken {
  readonly #record: StoredToken;

  constructor(record: StoredToken) {
    this.#record = Object.freeze({ ...record });
  }

  /** The access token string to send. */
  get accessToken(): string {
    return this.#record.accessToken;
  }
  /** Authorization scheme, e.g. `Bearer`. */
  get tokenType(): string {
    return this.#record.tokenType;
  }
  /** Epoch ms after which the token is no longer used. */
  get expiresAt(): number {
    return this.#record.expiresAt;
  }
  /** Epoch ms when the request that produced this token was sent. */
  get issuedAt(): number {
    return this.#record.issuedAt;
  }
  /** The refresh token issued with it, if any. */
  get refreshToken(): string | undefined {
    return this.#record.refreshToken;
  }
  /** Extra response fields (`scope`, `userName`, `.expires`, `release_version`...), read-only. */
  get extras(): Readonly<Record<string, unknown>> {
    return this.#record.extras ?? {};
  }
  /** The record as a store keeps it. Contains secrets. */
  toRecord(): StoredToken {
    return this.#record;
  }

  /** What `JSON.stringify` shows: dates and type, with the token and refresh token redacted. */
  toJSON(): Record<string, unknown> {
    return {
      accessToken: REDACTED,
      tokenType: this.tokenType,
      issuedAt: isoDate(this.issuedAt),
      expiresAt: isoDate(this.expiresAt),
      ...(this.refreshToken === undefined ? {} : { refreshToken: REDACTED }),
    };
  }
  /** `AccessToken([redacted], expires <ISO date>)`: never the token itself. */
  toString(): string {
    return `AccessToken(${REDACTED}, expires ${isoDate(this.expiresAt)})`;
  }
  /** What `util.inspect` and `console.log` show: the same as {@link AccessToken.toString}. */
  [inspectSymbol](): string {
    return this.toString();
  }
}

/** An ISO date, or the number itself when it is no valid date: printing a token never throws. */
function isoDate(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString();
}
