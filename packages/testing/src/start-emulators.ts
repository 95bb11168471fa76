import { type AlertSiteEmulator, startAlertSite } from './alertsite.js';
import { type AspNetTokenEmulator, startAspNetToken } from './aspnet-token.js';
import { type KlearStackEmulator, startKlearStack } from './klearstack.js';
import { type OpsRampEmulator, startOpsRamp } from './opsramp.js';
import type { ProviderEmulator, ProviderName } from './types.js';

/** Options of {@link startEmulators}; every field is optional. */
export interface EmulatorOptions {
  /** Clock for token issue/expiry, epoch ms. Default `Date.now`. Tests pass a fake clock. */
  now?: () => number;
  /**
   * Token lifetimes in seconds. Defaults: alertsite 3600, klearstack access 900 / refresh
   * 604800 (7 days), opsramp 7200, aspnet 1209600 (14 days).
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
  };
  /** Host to bind. Default `127.0.0.1`. */
  host?: string;
  /** Fixed ports per provider. Default: a free port chosen by the OS for each. */
  ports?: Partial<Record<ProviderName, number>>;
}

/** The four running emulators. */
export interface Emulators {
  /** AlertSite: JSON login, bare 1-hour token. */
  alertsite: AlertSiteEmulator;
  /** KlearStack: form login with `company_name`, JWT access + refresh tokens. */
  klearstack: KlearStackEmulator;
  /** OpsRamp: OAuth2 client credentials, two tenants. */
  opsramp: OpsRampEmulator;
  /** ASP.NET-style Token API: OAuth2 password grant; each new token revokes the older ones. */
  aspnet: AspNetTokenEmulator;
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
});

/**
 * Starts real HTTP emulators of the four token providers and their APIs, each on its own port.
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

  const started = await Promise.allSettled([
    startAlertSite({ ...base('alertsite'), lifetime: lifetime('alertsite') }),
    startKlearStack({
      ...base('klearstack'),
      lifetimes: { access: lifetime('klearstackAccess'), refresh: lifetime('klearstackRefresh') },
    }),
    startOpsRamp({ ...base('opsramp'), lifetime: lifetime('opsramp') }),
    startAspNetToken({ ...base('aspnet'), lifetime: lifetime('aspnet') }),
  ] as const);

  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const closeAll = () => Promise.all(running.map((s) => s.close())).then(() => undefined);
  const [alertsite, klearstack, opsramp, aspnet] = started;
  if (
    alertsite.status === 'rejected' ||
    klearstack.status === 'rejected' ||
    opsramp.status === 'rejected' ||
    aspnet.status === 'rejected'
  ) {
    await closeAll();
    throw started.find((s) => s.status === 'rejected')?.reason;
  }

  const providers = {
    alertsite: alertsite.value.emulator,
    klearstack: klearstack.value.emulator,
    opsramp: opsramp.value.emulator,
    aspnet: aspnet.value.emulator,
  };
  return {
    ...providers,
    all: Object.freeze(Object.values(providers)),
    close: closeAll,
  };
}
