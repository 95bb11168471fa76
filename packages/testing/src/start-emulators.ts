import { type AlertSiteEmulator, startAlertSite } from './alertsite.js';
import { type AspNetTokenEmulator, startAspNetToken } from './aspnet-token.js';
import { type Auth0Emulator, startAuth0 } from './auth0.js';
import { type EntraIdEmulator, startEntraId } from './entra.js';
import { type GitHubAppEmulator, startGitHub } from './github.js';
import { type GoogleEmulator, startGoogle } from './google.js';
import { type KlearStackEmulator, startKlearStack } from './klearstack.js';
import { type OktaEmulator, startOkta } from './okta.js';
import { type OpsRampEmulator, startOpsRamp } from './opsramp.js';
import { type SalesforceEmulator, startSalesforce } from './salesforce.js';
import type { Started } from './server.js';
import type { ProviderEmulator, ProviderName } from './types.js';
import { startZoom, type ZoomEmulator } from './zoom.js';

/** Options of {@link startEmulators}; every field is optional. */
export interface EmulatorOptions {
  /** Clock for token issue/expiry, epoch ms. Default `Date.now`. Tests pass a fake clock. */
  now?: () => number;
  /**
   * Token lifetimes in seconds. Defaults: see {@link DEFAULT_LIFETIMES} (the vendors' documented
   * lifetimes).
   */
  lifetimes?: {
    /** AlertSite access tokens. Default `3600`. */
    alertsite?: number;
    /** KlearStack access JWTs. Default `900`. */
    klearstackAccess?: number;
    /** KlearStack refresh JWTs. Default `604800` (7 days). */
    klearstackRefresh?: number;
    /** OpsRamp access tokens. Default `7200`. */
    opsramp?: number;
    /** Token API access tokens. Default `1209600` (14 days). */
    aspnet?: number;
    /** GitHub installation tokens. Default `3600`. */
    github?: number;
    /** Google service account tokens. Default `3599`. */
    google?: number;
    /** Salesforce sessions (the org's session timeout). Default `7200`. */
    salesforce?: number;
    /** Okta tokens. Default `3600`. */
    okta?: number;
    /** Entra ID tokens. Default `3599`. */
    entra?: number;
    /** Auth0 tokens. Default `86400`. */
    auth0?: number;
    /** Zoom tokens. Default `3599`. */
    zoom?: number;
  };
  /** Host to bind. Default `127.0.0.1`. */
  host?: string;
  /** Fixed ports per provider. Default: a free port chosen by the OS for each. */
  ports?: Partial<Record<ProviderName, number>>;
}

/** The running emulators. */
export interface Emulators {
  /** AlertSite: JSON login, bare 1-hour token. */
  alertsite: AlertSiteEmulator;
  /** KlearStack: form login with `company_name`, JWT access + refresh tokens. */
  klearstack: KlearStackEmulator;
  /** OpsRamp: OAuth2 client credentials, two tenants. */
  opsramp: OpsRampEmulator;
  /** ASP.NET-style Token API: OAuth2 password grant; each new token revokes the older ones. */
  aspnet: AspNetTokenEmulator;
  /** GitHub App installation tokens: an app JWT buys `{ token, expires_at }` (201). */
  github: GitHubAppEmulator;
  /** Google service accounts: JWT bearer grant with `scope` in the assertion. */
  google: GoogleEmulator;
  /** Salesforce: JWT bearer flow, no `expires_in`. */
  salesforce: SalesforceEmulator;
  /** Okta service app: client credentials with `private_key_jwt`. */
  okta: OktaEmulator;
  /** Microsoft Entra ID: client credentials with a secret or a certificate (`x5t#S256`). */
  entra: EntraIdEmulator;
  /** Auth0 M2M: client credentials with `audience`. */
  auth0: Auth0Emulator;
  /** Zoom Server-to-Server OAuth: `account_credentials` with Basic auth. */
  zoom: ZoomEmulator;
  /** Every provider, for loops. */
  all: readonly ProviderEmulator[];
  /** Stops every server and drops open connections at once. Safe to call twice. */
  close(): Promise<void>;
}

/** Default token lifetimes in seconds, as the provider docs state them. */
export const DEFAULT_LIFETIMES = Object.freeze({
  /** AlertSite: 1 hour. */
  alertsite: 3600,
  /** KlearStack access token: 15 minutes. */
  klearstackAccess: 900,
  /** KlearStack refresh token: 7 days. */
  klearstackRefresh: 7 * 24 * 3600,
  /** OpsRamp: 2 hours. */
  opsramp: 7200,
  /** Token API: 14 days. */
  aspnet: 14 * 24 * 3600,
  /** GitHub installation token: 1 hour. */
  github: 3600,
  /** Google service account token: `expires_in: 3599`. */
  google: 3599,
  /** Salesforce: the default session timeout, 2 hours. */
  salesforce: 7200,
  /** Okta: 1 hour. */
  okta: 3600,
  /** Entra ID: `expires_in: 3599`. */
  entra: 3599,
  /** Auth0: 24 hours (the API's default token lifetime). */
  auth0: 86400,
  /** Zoom: 1 hour (`expires_in: 3599`). */
  zoom: 3599,
});

/**
 * Starts real HTTP emulators of the token providers and their APIs (the four seeds and seven
 * vendors), each on its own port.
 *
 * @example
 * const emulators = await startEmulators();
 * const { username, password } = emulators.alertsite.credentials;
 * const res = await fetch(emulators.alertsite.tokenUrl, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ username, password }),
 * });
 * const { access_token } = await res.json();
 * await fetch(new URL('devices', emulators.alertsite.apiBaseUrl), {
 *   headers: { authorization: `Bearer ${access_token}` },
 * });
 * await emulators.close();
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const lifetime = (name: keyof typeof DEFAULT_LIFETIMES) =>
    options.lifetimes?.[name] ?? DEFAULT_LIFETIMES[name];
  const base = (name: ProviderName) => ({ now, host, port: options.ports?.[name] ?? 0 });

  const vendor = <E extends ProviderEmulator>(
    name: ProviderName & keyof typeof DEFAULT_LIFETIMES,
    start: (o: ReturnType<typeof base> & { lifetime: number }) => Promise<Started<E>>,
  ) => start({ ...base(name), lifetime: lifetime(name) });
  const started = await Promise.allSettled([
    vendor('alertsite', startAlertSite),
    startKlearStack({
      ...base('klearstack'),
      lifetimes: { access: lifetime('klearstackAccess'), refresh: lifetime('klearstackRefresh') },
    }),
    vendor('opsramp', startOpsRamp),
    vendor('aspnet', startAspNetToken),
    vendor('github', startGitHub),
    vendor('google', startGoogle),
    vendor('salesforce', startSalesforce),
    vendor('okta', startOkta),
    vendor('entra', startEntraId),
    vendor('auth0', startAuth0),
    vendor('zoom', startZoom),
  ] as const);

  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const closeAll = () => Promise.all(running.map((s) => s.close())).then(() => undefined);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await closeAll();
    throw failed.reason;
  }
  const [
    alertsite,
    klearstack,
    opsramp,
    aspnet,
    github,
    google,
    salesforce,
    okta,
    entra,
    auth0,
    zoom,
  ] = started.map((s) => (s as PromiseFulfilledResult<Started<ProviderEmulator>>).value.emulator);
  const providers = {
    alertsite: alertsite as AlertSiteEmulator,
    klearstack: klearstack as KlearStackEmulator,
    opsramp: opsramp as OpsRampEmulator,
    aspnet: aspnet as AspNetTokenEmulator,
    github: github as GitHubAppEmulator,
    google: google as GoogleEmulator,
    salesforce: salesforce as SalesforceEmulator,
    okta: okta as OktaEmulator,
    entra: entra as EntraIdEmulator,
    auth0: auth0 as Auth0Emulator,
    zoom: zoom as ZoomEmulator,
  };
  return {
    ...providers,
    all: Object.freeze(Object.values(providers)),
    close: closeAll,
  };
}
