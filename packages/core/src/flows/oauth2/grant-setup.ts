import { dpopProver } from '../../engine/dpop.js';
import { AuthConfigError } from '../../errors.js';
import { optionalString, requirePositive, requireString } from '../../shared/validate-options.js';
import { createFlowContext, type FlowContext } from '../flow-context.js';
import { type ClientAuthOptions, clientAuthentication } from './client-auth.js';
import {
  type EndpointSource,
  endpointSource,
  type GrantClient,
  NO_CLIENT_ID,
} from './oauth2-client.js';

/** The options every OAuth2 grant flow reads the same way. */
export interface GrantOptions extends ClientAuthOptions {
  tokenUrl?: string | URL;
  issuer?: string | URL;
  clientId?: string;
  clientSecret?: string;
  dpop?: unknown;
  lifetimeSeconds?: number;
  allowInsecureHttp?: boolean;
}

/** How one grant flow differs in what {@link grantSetup} reads. */
export interface GrantSetupRules {
  /** The flow id, for errors. */
  flow: string;
  /** `required` (client credentials, token exchange) or `optional` (the client is public). */
  clientId: 'required' | 'optional';
  /** `lifetimeSeconds` when the option is not given. */
  defaultLifetimeSeconds: number;
  /** The flow's own secrets besides `clientSecret` (a password), for the redactor. */
  secrets?: readonly (string | undefined)[];
}

/** What {@link grantSetup} built: the client, its endpoint and its error context. */
export interface GrantSetup {
  /** The client id as given (`undefined` for a public client). */
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly lifetimeSeconds: number;
  readonly source: EndpointSource;
  readonly ctx: FlowContext;
  /** What `runGrant` needs (DPoP included when the option asks for it). */
  readonly client: GrantClient;
}

/**
 * The part every OAuth2 grant flow shares: the client id and secret (a secret needs an id), the
 * token lifetime, client authentication, DPoP, the token endpoint (`tokenUrl` or `issuer`) and
 * the error context. A flow then reads only its own options.
 */
export function grantSetup(options: GrantOptions, rules: GrantSetupRules): GrantSetup {
  const optional = rules.clientId === 'optional';
  const clientId = optional
    ? optionalString('clientId', options.clientId)
    : requireString('clientId', options.clientId);
  const clientSecret = optionalString('clientSecret', options.clientSecret);
  if (clientSecret !== undefined && clientId === undefined) {
    throw new AuthConfigError('clientId', 'is required when clientSecret is given');
  }
  const lifetimeSeconds = requirePositive(
    'lifetimeSeconds',
    options.lifetimeSeconds ?? rules.defaultLifetimeSeconds,
  );
  const auth = clientAuthentication(options, { clientId, clientSecret, secretRequired: !optional });
  const dpop = dpopProver(options.dpop);
  // openid-client needs some client id; a public client's is never sent.
  const configClientId = clientId ?? NO_CLIENT_ID;
  const source = endpointSource({
    tokenUrl: options.tokenUrl,
    issuer: options.issuer,
    allowInsecureHttp: options.allowInsecureHttp,
    clientId: configClientId,
    clientAuth: auth.clientAuth,
  });
  const ctx = createFlowContext(rules.flow, source.display, [
    ...(rules.secrets ?? []),
    clientSecret,
  ]);
  const client = { clientId: configClientId, auth, dpop, fallbackLifetimeSeconds: lifetimeSeconds };
  return { clientId, clientSecret, lifetimeSeconds, source, ctx, client };
}
