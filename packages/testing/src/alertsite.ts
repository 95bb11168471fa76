import { randomBytes } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { type AlertSiteCredentials, EMULATOR_CREDENTIALS } from './credentials.js';
import {
  json,
  type ProviderStartOptions,
  type Reply,
  type Started,
  startProviderServer,
} from './server.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.alertsite;

/**
 * Emulates the AlertSite Management API (`alertsite-access-tokens.txt`):
 * `POST /api/v3/access-tokens` with JSON `{"username","password"}` answers `{"access_token"}` only
 * (32 hex digits, valid 1 h by default, lifetime not in the answer); errors are
 * `{"errors":[{"code","message"}]}`. API: `GET /api/v3/devices`. Many tokens are valid at once.
 */
export interface AlertSiteEmulator extends ProviderEmulator {
  readonly name: 'alertsite';
  /** The one account that can log in. */
  readonly credentials: AlertSiteCredentials;
}

/** Starts the AlertSite emulator; tokens live `lifetime` seconds. */
export async function startAlertSite(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<AlertSiteEmulator>> {
  const expiries = new Map<string, number>();
  const { close, ...server } = await startProviderServer(
    {
      name: 'alertsite',
      tokenPaths: ['/api/v3/access-tokens'],
      apiBasePath: '/api/v3/',
      token(req) {
        if (req.method !== 'POST') return { reply: errors(405, 'Method Not Allowed') };
        const login = parseLogin(req.body);
        if (!login) return { reply: errors(400, 'invalid_request - User authentication failed.') };
        if (login.username !== CREDENTIALS.username || login.password !== CREDENTIALS.password) {
          return { reply: errors(401, 'invalid_grant - User authentication failed.') };
        }
        const token = randomBytes(16).toString('hex');
        expiries.set(token, options.now() + options.lifetime * 1000);
        return { reply: json(200, { access_token: token }), issued: true };
      },
      missingFieldBody: () => ({}),
      authenticate(token) {
        const expiresAt = expiries.get(token);
        return expiresAt !== undefined && options.now() < expiresAt
          ? CREDENTIALS.username
          : undefined;
      },
      unauthorized: () => errors(401, 'Unauthorized'),
      api: (route) => (route === 'devices' ? json(200, EMULATOR_API_DATA.alertsite) : undefined),
      revokeAll: () => expiries.clear(),
    },
    options,
  );
  return { emulator: { ...server, name: 'alertsite', credentials: CREDENTIALS }, close };
}

/** AlertSite's error body: `{"errors":[{"code","message"}]}`. */
function errors(code: number, message: string): Reply {
  return json(code, { errors: [{ code, message }] });
}

function parseLogin(body: Buffer): { username: string; password: string } | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { username, password } = value as Record<string, unknown>;
    return typeof username === 'string' && typeof password === 'string'
      ? { username, password }
      : undefined;
  } catch {
    return undefined;
  }
}
