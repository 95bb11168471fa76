/**
 * `@auth/opentelemetry`: OpenTelemetry metrics and spans for an `@auth/core` registry, built from
 * its events. `instrumentAuthClients(clients)` once at startup.
 *
 * @packageDocumentation
 */
export {
  INSTRUMENTATION_SCOPE,
  type InstrumentAuthClientsOptions,
  type InstrumentableAuthClients,
  instrumentAuthClients,
} from './instrument-auth-clients.js';
export { AUTH_ATTRIBUTES, AUTH_METRICS, TOKEN_REQUEST_SPAN } from './semantic-names.js';
