export {
  AuthClient,
  type ClientGetTokenOptions,
  type UnauthorizedResponse,
} from './client/auth-client.js';
export type {
  AuthClientOptions,
  BackoffOptions,
  FlowSource,
  RefreshOptions,
  RequestContext,
} from './client/client-options.js';
export {
  type AuthClients,
  type AuthClientsMethods,
  type AuthClientsOptions,
  type ContextSource,
  createAuthClient,
  createAuthClients,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_CACHED_TENANTS,
  DEFAULT_MAX_TOKEN_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOKEN_TIMEOUT_MS,
} from './client/create-auth-clients.js';
export { isReplayableBody } from './client/request-body.js';
export { type DPoPKey, type DPoPKeyPair, type DPoPOption, dpopKey } from './engine/dpop.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './engine/memory-token-store.js';
export { AccessToken, type StoredToken, type TokenResponse } from './engine/token.js';
export type { FlowRequest, TokenFlow } from './engine/token-flow.js';
export type { TokenLease, TokenStore } from './engine/token-store.js';
export {
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
  DEFAULT_REFRESH_LIFETIME_FRACTION,
} from './engine/token-timing.js';
export {
  AuthConfigError,
  AuthError,
  type AuthErrorCode,
  isAuthError,
  TokenEndpointError,
  type TokenEndpointErrorDetails,
  TokenStoreError,
} from './errors.js';
export {
  type CertificateHeader,
  type ClientAuthMethod,
  type ClientAuthOptions,
  type ClientCredentialsOptions,
  clientCredentials,
  type FormCredentialsOptions,
  type FormRefreshOptions,
  flows,
  formCredentials,
  type JsonCredentialsOptions,
  type JwtBearerAssertionOptions,
  type JwtBearerOptions,
  type JwtKeyOptions,
  type JwtSigner,
  type JwtSignerOptions,
  jsonCredentials,
  jwtBearer,
  jwtSigner,
  type MutualTls,
  type NamedFlowOptions,
  type PasswordGrantOptions,
  type PrivateKeyInput,
  type PrivateKeyJwt,
  type PrivateKeyJwtOptions,
  passwordGrant,
  privateKeyJwt,
  type TokenAnswerFields,
  type TokenExchangeOptions,
  type TokenRequestOptions,
  tokenExchange,
  tokenRequest,
} from './flows/index.js';
export type {
  ApiUnauthorizedEvent,
  AuthEvent,
  AuthEventBase,
  AuthEventListener,
  ClientStatus,
  LeaseWaitEvent,
  StoreFailureEvent,
  StoreUnreadableEvent,
  TokenFailureEvent,
  TokenRequestEvent,
  TokenRequestReason,
  TokenState,
  TokenSuccessEvent,
  UnauthorizedAction,
} from './observability/events.js';
export {
  DEFAULT_TOKEN_FAILURE_REPORT_INTERVAL_MS,
  reportTokenFailures,
  type TokenEventSource,
  type TokenFailureReport,
  type TokenFailureReportOptions,
} from './observability/token-failure-reports.js';
export {
  ALERTSITE_BASE_URL,
  type AlertSitePresetOptions,
  type AspNetTokenPresetOptions,
  type Auth0PresetOptions,
  type EntraIdCertificate,
  type EntraIdPresetOptions,
  type GitHubAppPresetOptions,
  type GoogleServiceAccountCredentials,
  type GoogleServiceAccountPresetOptions,
  type KlearStackPresetOptions,
  type OktaPresetOptions,
  type OpsRampPresetOptions,
  type PresetCommonOptions,
  presets,
  type SalesforcePresetOptions,
  type ZoomPresetOptions,
} from './presets/index.js';
