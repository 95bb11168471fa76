/**
 * `@auth/testing`: real HTTP emulators of token providers (AlertSite, KlearStack, OpsRamp, an
 * ASP.NET Token API, and GitHub Apps, Google service accounts, Salesforce, Okta, Entra ID, Auth0,
 * Zoom) and their APIs, for tests, demos and local development.
 *
 * @example
 * import { startEmulators } from '@auth/testing';
 * const emulators = await startEmulators();
 * // ... point clients at emulators.alertsite.tokenUrl / apiBaseUrl ...
 * await emulators.close();
 */
export type { AlertSiteEmulator } from './alertsite.js';
export { EMULATOR_API_DATA } from './api-data.js';
export type { AspNetTokenEmulator } from './aspnet-token.js';
export type { Auth0Emulator } from './auth0.js';
export {
  type CheckedFlow,
  type CheckedManager,
  type CheckedManagerConstructor,
  type CheckedManagerOptions,
  type CheckedStoreConstructor,
  type CheckedToken,
  type CheckedTokenResponse,
  type CheckTokenFlowOptions,
  type CheckTokenFlowReport,
  checkTokenFlow,
} from './check-token-flow.js';
export {
  type AlertSiteCredentials,
  type AspNetCredentials,
  type Auth0Credentials,
  EMULATOR_CREDENTIALS,
  type EntraIdCredentials,
  type GitHubAppCredentials,
  type GoogleServiceAccountKey,
  type KlearStackCredentials,
  type OktaCredentials,
  type OpsRampTenant,
  type SalesforceCredentials,
  type ZoomCredentials,
} from './credentials.js';
export type { EntraIdEmulator } from './entra.js';
export type { GitHubAppEmulator } from './github.js';
export type { GoogleEmulator, GoogleServiceAccountKeyFile } from './google.js';
export { issuedSecrets } from './issued-secrets.js';
export type { KlearStackEmulator } from './klearstack.js';
export { type ListeningServer, listenOnFreePort } from './listen.js';
export type { OktaEmulator } from './okta.js';
export type { OpsRampEmulator, OpsRampStats } from './opsramp.js';
export { isRedisServerAvailable, type RedisServer, startRedisServer } from './redis-server.js';
export { resetEmulators } from './reset-emulators.js';
export type { SalesforceEmulator } from './salesforce.js';
export {
  DEFAULT_LIFETIMES,
  type EmulatorOptions,
  type Emulators,
  startEmulators,
} from './start-emulators.js';
export type { EmulatorStats, FaultKind, ProviderEmulator, ProviderName } from './types.js';
export { waitFor } from './wait-for.js';
export type { ZoomEmulator } from './zoom.js';
