import type { Emulators } from '../src/index.js';

/** The four seed providers these helpers know. */
type ProviderName = (typeof PROVIDERS)[number];

/** A fake clock for `startEmulators({ now })`: starts at a fixed instant, moves only when told. */
export function fakeClock(start = Date.parse('2024-03-01T12:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    /** Moves the clock forward by `seconds`. */
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/** A form-urlencoded POST. */
export function postForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  } satisfies RequestInit;
}

/** A JSON POST. */
export function postJson(body: unknown) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  } satisfies RequestInit;
}

/** `Authorization: Bearer <token>` request options. */
export function withBearer(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { authorization: `Bearer ${token}` } };
}

/** The documented, successful login request of each provider. */
export function loginRequest(emulators: Emulators, name: ProviderName): RequestInit {
  switch (name) {
    case 'alertsite':
      return postJson(emulators.alertsite.credentials);
    case 'klearstack': {
      const { username, password, companyName } = emulators.klearstack.credentials;
      return postForm({ username, password, company_name: companyName });
    }
    case 'opsramp': {
      const { clientId, clientSecret } = emulators.opsramp.credentials;
      return postForm({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      });
    }
    case 'aspnet': {
      const { username, password } = emulators.aspnet.credentials;
      return postForm({ grant_type: 'password', username, password });
    }
  }
}

/** Logs in to `name` and returns the access token (asserting a 200). */
export async function login(emulators: Emulators, name: ProviderName): Promise<string> {
  const res = await fetch(emulators[name].tokenUrl, loginRequest(emulators, name));
  if (res.status !== 200) throw new Error(`${name} login answered ${res.status}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** URL of each provider's authenticated data route. */
export function dataUrl(emulators: Emulators, name: ProviderName): string {
  const route = {
    alertsite: 'devices',
    klearstack: 'documents',
    opsramp: `api/v2/tenants/${emulators.opsramp.credentials.tenantId}/alerts/search`,
    aspnet: 'me',
  }[name];
  return new URL(route, emulators[name].apiBaseUrl).href;
}

/** Polls `condition` every 5 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every provider name, for `describe.each`. */
export const PROVIDERS = ['alertsite', 'klearstack', 'opsramp', 'aspnet'] as const;
