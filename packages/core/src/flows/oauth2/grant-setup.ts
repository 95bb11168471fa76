import type { DPoPKey, DPoPKeyPair, DPoPProver } from '../../engine/dpop.js';
import { AuthConfigError } from '../../errors.js';
import { optionalString, requirePositive, requireString } from '../../shared/validate-options.js';
import { createFlowContext, type FlowContext } from '../flow-context.js';
import { type ClientAuthOptions, clientAuthentication } from './client-auth.js';
import { keyShorthandsOf } from './key-shorthands.js';
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
  const dpop = dpopProver(options);
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

/**
 * The DPoP prover of `dpop`: `dpopKey()`'s, or (`flows` namespace) the shorthand `true` or key
 * pair's, or `undefined` when DPoP is off.
 */
function dpopProver(options: GrantOptions): DPoPProver | undefined {
  const value = options.dpop;
  if (value === undefined || value === false) return undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DPoPKey).prover === 'function'
  ) {
    return (value as DPoPKey).prover();
  }
  const shorthands = keyShorthandsOf(options);
  if (shorthands === undefined) {
    throw new AuthConfigError(
      'dpop',
      'must be dpopKey() with a flow imported by name (true and key pairs are shorthands of the flows namespace)',
    );
  }
  return shorthands.dpopKey(value === true ? undefined : (value as DPoPKeyPair)).prover();
}
