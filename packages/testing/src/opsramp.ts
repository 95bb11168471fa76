import { randomUUID } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type OpsRampTenant } from './credentials.js';
import { basicCredentials, parseForm } from './request.js';
import {
  createStats,
  json,
  oauthError,
  type ProviderStartOptions,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import type { EmulatorStats, ProviderEmulator } from './types.js';

/** OpsRamp counters: the common ones plus tokens issued per tenant id. */
export interface OpsRampStats extends EmulatorStats {
  /** Tokens issued per tenant id, e.g. `{ client_1234: 1, client_5678: 2 }`. */
  tokensByTenant: Record<string, number>;
}

/**
 * Emulates OpsRamp's OAuth2 client-credentials grant (`oauth2-client-credentials-quickstart.txt`,
 * RFC 6749 §4.4): `POST /auth/oauth/token` with form `grant_type=client_credentials` and the client
 * authenticated by form fields (`client_secret_post`) or HTTP Basic (`client_secret_basic`)
 * answers `{"access_token","token_type":"bearer","expires_in","scope":"global:manage"}`.
 * Errors follow RFC 6749 §5.2. API: `GET /api/v2/tenants/{tenantId}/alerts/search`; a token of
 * another tenant answers 403.
 */
export interface OpsRampEmulator extends ProviderEmulator {
  readonly name: 'opsramp';
  /** The first tenant's credentials. */
  readonly credentials: OpsRampTenant;
  /** Both tenants that can get tokens. */
  readonly tenants: readonly OpsRampTenant[];
  readonly stats: OpsRampStats;
}

const TENANTS = EMULATOR_CREDENTIALS.opsramp.tenants;

const SCOPE = 'global:manage';
const ALERTS_SEARCH = /^api\/v2\/tenants\/([^/]+)\/alerts\/search$/;

/** Starts the OpsRamp emulator; tokens live `lifetime` seconds. */
export async function startOpsRamp(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<OpsRampEmulator>> {
  const grants = new Map<string, { tenantId: string; expiresAt: number }>();
  const stats: OpsRampStats = { ...createStats(), tokensByTenant: {} };

  const { close, ...server } = await startProviderServer(
    {
      name: 'opsramp',
      tokenPaths: ['/auth/oauth/token'],
      apiBasePath: '/',
      async token(req): Promise<TokenOutcome> {
        if (req.method !== 'POST') return { reply: oauthError(405, 'invalid_request') };
        const form = await parseForm(req);
        const basic = basicCredentials(req.headers);
        if (basic && form.has('client_secret')) {
          // RFC 6749 §2.3: a client uses one authentication method per request.
          return { reply: oauthError(400, 'invalid_request') };
        }
        const client =
          basic === undefined
            ? { id: form.get('client_id'), secret: form.get('client_secret') }
            : basic;
        const tenant =
          client === 'malformed'
            ? undefined
            : TENANTS.find((t) => t.clientId === client.id && t.clientSecret === client.secret);
        if (!tenant) {
          const challenge = basic ? { 'www-authenticate': 'Basic realm="oauth"' } : undefined;
          return {
            reply: json(
              401,
              { error: 'invalid_client', error_description: 'Bad client credentials' },
              challenge,
            ),
          };
        }
        const grantType = form.get('grant_type');
        if (!grantType) return { reply: oauthError(400, 'invalid_request') };
        if (grantType !== 'client_credentials') {
          return { reply: oauthError(400, 'unsupported_grant_type') };
        }
        const token = randomUUID();
        grants.set(token, {
          tenantId: tenant.tenantId,
          expiresAt: options.now() + options.lifetime * 1000,
        });
        stats.tokensByTenant[tenant.tenantId] = (stats.tokensByTenant[tenant.tenantId] ?? 0) + 1;
        const body = {
          access_token: token,
          token_type: 'bearer',
          expires_in: options.lifetime,
          scope: SCOPE,
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({
        token_type: 'bearer',
        expires_in: options.lifetime,
        scope: SCOPE,
      }),
      authenticate(token) {
        const grant = grants.get(token);
        return grant && options.now() < grant.expiresAt ? grant.tenantId : undefined;
      },
      unauthorized: () =>
        json(
          401,
          { error: 'invalid_token', error_description: 'Invalid access token' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        ),
      api(route, tenantId) {
        const match = ALERTS_SEARCH.exec(route);
        if (!match) return undefined;
        if (match[1] !== tenantId) {
          return json(403, { error: 'access_denied', error_description: 'Access is denied' });
        }
        return json(200, EMULATOR_API_DATA.opsramp);
      },
      revokeAll: () => grants.clear(),
      resetExtraStats() {
        stats.tokensByTenant = {};
      },
    },
    options,
    stats,
  );
  return {
    emulator: {
      ...server,
      stats,
      name: 'opsramp',
      credentials: TENANTS[0],
      tenants: TENANTS,
    },
    close,
  };
}
