/**
 * Every error this library throws is an {@link AuthError} with a stable `code`.
 * Messages never contain a secret or a token; `cause` keeps the underlying error.
 */

/** Stable error codes. Match on `error.code`, never on the message. */
export type AuthErrorCode =
  /** Options given to a factory are invalid (thrown at construction time). */
  | 'AUTH_CONFIG_INVALID'
  /** The token endpoint could not be reached (connection refused, DNS, TLS). */
  | 'TOKEN_ENDPOINT_UNREACHABLE'
  /** The token endpoint did not answer within the token request timeout. */
  | 'TOKEN_ENDPOINT_TIMEOUT'
  /** The token endpoint answered with an error status (wrong credentials, server error). */
  | 'TOKEN_ENDPOINT_REJECTED'
  /** The token endpoint answered 2xx with a body that is not JSON (HTML, garbage). */
  | 'TOKEN_RESPONSE_NOT_JSON'
  /** The token response body exceeded the size limit. */
  | 'TOKEN_RESPONSE_TOO_LARGE'
  /** The token response is JSON but misses a required field or has a wrong type. */
  | 'TOKEN_RESPONSE_INVALID'
  /** The shared token store failed (e.g. Redis unreachable). */
  | 'TOKEN_STORE_UNAVAILABLE'
  /** This instance's store is configured differently from the rest of the fleet (e.g. another encryption key). */
  | 'TOKEN_STORE_MISCONFIGURED'
  /** A private key (`privateKey`, the DPoP key pair) cannot be imported or cannot sign. */
  | 'CLIENT_KEY_INVALID'
  /** The token endpoint refused a key or certificate client authentication (`invalid_client` with `private_key_jwt`, `client_secret_jwt` or mutual TLS). */
  | 'CLIENT_AUTH_REJECTED'
  /** The server still asked for a DPoP nonce (`use_dpop_nonce`) after one retry with the nonce it gave. */
  | 'DPOP_NONCE_REJECTED'
  /** A token exchange was asked for without a subject token (`withContext({ subjectToken })`). */
  | 'SUBJECT_TOKEN_MISSING';

/** Base class of all errors raised by `@auth/*` packages. */
export class AuthError extends Error {
  /** Stable machine-readable code. */
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
    this.code = code;
  }

  /** A safe, secret-free representation for logs and problem-details bodies. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Invalid options passed to a factory. Thrown synchronously when the factory is called. */
export class AuthConfigError extends AuthError {
  /** Dotted path of the offending option, e.g. `clients.alertsite.baseUrl`. */
  readonly option: string;
  /** What is wrong with it, e.g. `must be a positive number`. */
  readonly problem: string;

  constructor(option: string, problem: string) {
    super('AUTH_CONFIG_INVALID', `Invalid option "${option}": ${problem}`);
    this.name = 'AuthConfigError';
    this.option = option;
    this.problem = problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), option: this.option };
  }
}

/** Details a token endpoint error carries. */
export interface TokenEndpointErrorDetails {
  /** Which flow raised it, e.g. `clientCredentials`. */
  flow: string;
  /** HTTP status of the token endpoint's answer, when there was one. */
  status?: number;
  /** The vendor's own error code (`error` of RFC 6749 §5.2, AlertSite's `errors[0].code`). */
  vendorCode?: string;
  /** The vendor's own message (`error_description`, AlertSite's `errors[0].message`). */
  vendorMessage?: string;
  /** The underlying error (network failure, parse error...), kept as the error's `cause`. */
  cause?: unknown;
}

/** Obtaining a token failed. `code` says how; `status`, `vendorCode`, `vendorMessage` say what the server said. */
export class TokenEndpointError extends AuthError {
  /** Which flow raised it, e.g. `clientCredentials`. */
  readonly flow: string;
  /** HTTP status of the token endpoint's answer; `undefined` when there was none (timeout, network). */
  readonly status: number | undefined;
  /** The vendor's own error code (`error` of RFC 6749 §5.2, AlertSite's `errors[0].code`), if any. */
  readonly vendorCode: string | undefined;
  /** The vendor's own message (`error_description`, AlertSite's `errors[0].message`), if any. */
  readonly vendorMessage: string | undefined;
  /** What went wrong, without the flow's name in front (the message is `<flow>: <problem>`). */
  readonly problem: string;

  constructor(code: AuthErrorCode, message: string, details: TokenEndpointErrorDetails) {
    super(code, `${details.flow}: ${message}`, { cause: details.cause });
    this.name = 'TokenEndpointError';
    this.problem = message;
    this.flow = details.flow;
    this.status = details.status;
    this.vendorCode = details.vendorCode;
    this.vendorMessage = details.vendorMessage;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      flow: this.flow,
      status: this.status,
      vendorCode: this.vendorCode,
      vendorMessage: this.vendorMessage,
    };
  }
}

/** A {@link TokenStore} operation failed (for example Redis is down). */
export class TokenStoreError extends AuthError {
  constructor(
    message: string,
    options?: {
      cause?: unknown;
      /** Default `TOKEN_STORE_UNAVAILABLE`. */
      code?: 'TOKEN_STORE_UNAVAILABLE' | 'TOKEN_STORE_MISCONFIGURED';
    },
  ) {
    super(options?.code ?? 'TOKEN_STORE_UNAVAILABLE', message, options);
    this.name = 'TokenStoreError';
  }
}

/** `true` when `error` is an {@link AuthError}, optionally with the given code. */
export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}
