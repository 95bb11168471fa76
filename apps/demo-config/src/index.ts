/**
 * Shared by the demo apps (NestJS, Koa, Hono, Express, Fastify): which providers they call, with what
 * credentials, on which routes. Each app only wires these into its framework.
 */
import {
  type AuthClient,
  type AuthClients,
  createAuthClients,
  flows,
  presets,
  type TokenStore,
} from '@auth/core';
import { RedisTokenStore } from '@auth/redis';
import { EMULATOR_CREDENTIALS, type Emulators } from '@auth/testing';

/** Where the demo's providers live and how to log in. */
export interface DemoConfig {
  alertsite: { baseUrl: string; username: string; password: string };
  klearstack: { baseUrl: string; username: string; password: string; companyName: string };
  opsramp: {
    baseUrl: string;
    tenants: readonly { tenantId: string; clientId: string; clientSecret: string }[];
  };
  aspnet: { baseUrl: string; username: string; password: string };
  /**
   * Origins (ending in `/`) of the seven vendors' servers; the demo uses the emulators'
   * credentials (`EMULATOR_CREDENTIALS`) with them.
   */
  vendors: Record<VendorName, string>;
}

/** The vendors the demo calls besides the four seed providers. */
export const VENDORS = [
  'github',
  'google',
  'salesforce',
  'okta',
  'entra',
  'auth0',
  'zoom',
] as const;
/** One of {@link VENDORS}. */
export type VendorName = (typeof VENDORS)[number];

/** Ports the emulators use when started by `auth-emulators --port-base 4101` (the demo default). */
export const DEMO_EMULATOR_PORT_BASE = 4101;

/**
 * Configuration from environment variables; every one defaults to the emulators on their demo
 * ports with their documented credentials.
 *
 * `ALERTSITE_URL`, `ALERTSITE_USERNAME`, `ALERTSITE_PASSWORD`, `KLEARSTACK_URL`,
 * `KLEARSTACK_USERNAME`, `KLEARSTACK_PASSWORD`, `KLEARSTACK_COMPANY`, `OPSRAMP_URL`,
 * `OPSRAMP_TENANTS` (JSON array of `{tenantId, clientId, clientSecret}`), `ASPNET_URL`,
 * `ASPNET_USERNAME`, `ASPNET_PASSWORD`, and the vendors' origins `GITHUB_URL`, `GOOGLE_URL`,
 * `SALESFORCE_URL`, `OKTA_URL`, `ENTRA_URL`, `AUTH0_URL`, `ZOOM_URL`.
 */
export function demoConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): DemoConfig {
  const local = (offset: number) => `http://127.0.0.1:${DEMO_EMULATOR_PORT_BASE + offset}/`;
  const defaults = EMULATOR_CREDENTIALS;
  return {
    alertsite: {
      baseUrl: env.ALERTSITE_URL ?? `${local(0)}api/v3/`,
      username: env.ALERTSITE_USERNAME ?? defaults.alertsite.username,
      password: env.ALERTSITE_PASSWORD ?? defaults.alertsite.password,
    },
    klearstack: {
      baseUrl: env.KLEARSTACK_URL ?? local(1),
      username: env.KLEARSTACK_USERNAME ?? defaults.klearstack.username,
      password: env.KLEARSTACK_PASSWORD ?? defaults.klearstack.password,
      companyName: env.KLEARSTACK_COMPANY ?? defaults.klearstack.companyName,
    },
    opsramp: {
      baseUrl: env.OPSRAMP_URL ?? local(2),
      tenants: env.OPSRAMP_TENANTS ? JSON.parse(env.OPSRAMP_TENANTS) : defaults.opsramp.tenants,
    },
    aspnet: {
      baseUrl: env.ASPNET_URL ?? local(3),
      username: env.ASPNET_USERNAME ?? defaults.aspnet.username,
      password: env.ASPNET_PASSWORD ?? defaults.aspnet.password,
    },
    vendors: Object.fromEntries(
      VENDORS.map((name, i) => [name, env[`${name.toUpperCase()}_URL`] ?? local(4 + i)]),
    ) as Record<VendorName, string>,
  };
}

/** Environment variables pointing a demo app at running emulators (the demo tour). */
export function demoEnvFor(emulators: Emulators): Record<string, string> {
  return {
    ALERTSITE_URL: emulators.alertsite.apiBaseUrl,
    KLEARSTACK_URL: `${emulators.klearstack.origin}/`,
    OPSRAMP_URL: `${emulators.opsramp.origin}/`,
    ASPNET_URL: `${emulators.aspnet.origin}/`,
    ...Object.fromEntries(
      VENDORS.map((name) => [`${name.toUpperCase()}_URL`, `${emulators[name].origin}/`]),
    ),
  };
}

/** Configuration pointing at running emulators (tests, the demo tour). */
export function demoConfigFor(emulators: Emulators): DemoConfig {
  return demoConfigFromEnv(demoEnvFor(emulators));
}

/**
 * The token store a demo app uses: a `RedisTokenStore` shared by every instance when `REDIS_URL`
 * is set (a fleet shares one login), else each instance's own memory.
 */
export function demoStoreFromEnv(
  env: Record<string, string | undefined> = process.env,
): TokenStore | undefined {
  return env.REDIS_URL ? new RedisTokenStore({ redis: env.REDIS_URL }) : undefined;
}

/** The demo's clients: one per provider, plus `opsrampTenants` whose credentials follow the request's tenant. */
export function createDemoClients(config: DemoConfig, options: { store?: TokenStore } = {}) {
  const { alertsite, klearstack, opsramp, aspnet, vendors } = config;
  const [firstTenant] = opsramp.tenants;
  if (firstTenant === undefined) throw new Error('OPSRAMP_TENANTS must list at least one tenant');
  const store = options.store ? { store: options.store } : {};
  return createAuthClients({
    alertsite: presets.alertsite({ ...alertsite, ...store }),
    klearstack: presets.klearstack({ ...klearstack, ...store }),
    opsramp: presets.opsramp({ baseUrl: opsramp.baseUrl, ...firstTenant, ...store }),
    aspnet: presets.aspnetToken({ ...aspnet, ...store }),
    ...vendorClients(vendors, store),
    opsrampTenants: {
      baseUrl: opsramp.baseUrl,
      ...store,
      flow: ({ tenant }) => {
        const credentials = opsramp.tenants.find((t) => t.tenantId === tenant);
        if (credentials === undefined) throw new UnknownTenantError(tenant);
        return flows.clientCredentials({
          tokenUrl: new URL('auth/oauth/token', opsramp.baseUrl).href,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        });
      },
    },
  });
}

/** The seven vendors' presets, on the emulators' credentials. */
function vendorClients(origins: Record<VendorName, string>, store: { store?: TokenStore }) {
  const { github, google, salesforce, okta, entra, auth0, zoom } = EMULATOR_CREDENTIALS;
  const url = (name: VendorName, path = '') => new URL(path, origins[name]).href;
  return {
    github: presets.githubApp({ ...github, baseUrl: url('github'), ...store }),
    google: presets.googleServiceAccount({
      credentials: { ...google, token_uri: url('google', 'token') },
      scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
      baseUrl: url('google', 'storage/v1/'),
      ...store,
    }),
    salesforce: presets.salesforce({
      ...salesforce,
      instanceUrl: url('salesforce'),
      loginUrl: url('salesforce'),
      ...store,
    }),
    okta: presets.okta({ ...okta, issuer: url('okta'), ...store }),
    entra: presets.entraId({
      tenantId: entra.tenantId,
      clientId: entra.clientId,
      certificate: { privateKey: entra.privateKey, certificate: entra.certificate },
      scope: entra.scope,
      authority: url('entra'),
      baseUrl: url('entra', 'v1.0/'),
      ...store,
    }),
    auth0: presets.auth0({
      ...auth0,
      domain: url('auth0'),
      baseUrl: url('auth0', 'api/'),
      ...store,
    }),
    zoom: presets.zoom({
      ...zoom,
      baseUrl: url('zoom', 'v2/'),
      tokenUrl: url('zoom', 'oauth/token'),
      ...store,
    }),
  };
}

/** The registry type of {@link createDemoClients}. */
export type DemoClients = ReturnType<typeof createDemoClients>;
/** Names of the demo's clients. */
export type DemoClientName = DemoClients extends AuthClients<infer Name> ? Name : never;

/** A tenant the demo has no credentials for: the apps answer 404. */
export class UnknownTenantError extends Error {
  constructor(tenant: string | undefined) {
    super(`unknown tenant ${JSON.stringify(tenant ?? null)}`);
    this.name = 'UnknownTenantError';
  }
}

/** The route each demo app serves per provider, and the upstream path it calls. */
export const PROVIDER_ROUTES = [
  { provider: 'alertsite', path: '/alertsite/devices', upstream: 'devices' },
  { provider: 'klearstack', path: '/klearstack/documents', upstream: 'documents' },
  { provider: 'opsramp', path: '/opsramp/alerts', upstream: 'alerts/search' },
  { provider: 'aspnet', path: '/aspnet/me', upstream: 'me' },
  { provider: 'github', path: '/github/repositories', upstream: 'installation/repositories' },
  { provider: 'google', path: '/google/buckets', upstream: 'b' },
  {
    provider: 'salesforce',
    path: '/salesforce/sobjects',
    upstream: 'services/data/v62.0/sobjects',
  },
  { provider: 'okta', path: '/okta/users', upstream: 'users' },
  { provider: 'entra', path: '/entra/organization', upstream: 'organization' },
  { provider: 'auth0', path: '/auth0/reports', upstream: 'reports' },
  { provider: 'zoom', path: '/zoom/me', upstream: 'users/me' },
] as const satisfies readonly { provider: DemoClientName; path: string; upstream: string }[];

/** The per-tenant route: the tenant comes from the `x-tenant-id` header. */
export const TENANT_ROUTE = '/tenant/alerts';
/** Header the demo apps read the tenant from. */
export const TENANT_HEADER = 'x-tenant-id';

/** Upstream path of the per-tenant route for `tenant`. */
export function tenantUpstream(tenant: string): string {
  return `api/v2/tenants/${encodeURIComponent(tenant)}/alerts/search`;
}

/** Calls `upstream` through `client` and returns its status and JSON body, for a route to send on. */
export async function relay(
  client: AuthClient,
  upstream: string,
): Promise<{ status: number; body: unknown }> {
  const response = await client.fetch(upstream, { headers: { accept: 'application/json' } });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

export { runDemoServer } from './run-demo-server.js';
