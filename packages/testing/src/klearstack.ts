import { randomBytes } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type KlearStackCredentials } from './credentials.js';
import { signJwt, verifyJwt } from './jwt.js';
import { parseForm } from './request.js';
import {
  json,
  type ProviderStartOptions,
  type Started,
  startProviderServer,
  type TokenOutcome,
  text,
} from './server.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.klearstack;

/**
 * Emulates KlearStack (`klearstack-get-access-token.txt`):
 * `POST /access/klearstack/get_access_token` with form `username`, `password`, `company_name`
 * answers `{"access_token","refresh_token","release_version"}` (HS256 JWTs with `token_type`,
 * `exp`, `iat`, `jti`, `user_id`). A missing field answers **500 text/plain**; a wrong login 401
 * `{"detail":"Invalid credentials"}`. `POST /access/klearstack/refresh_token` with form
 * `refresh_token` answers a new access token and a rotated refresh token (the old one stops
 * working), or 401 `{"detail":"Invalid refresh token"}`. API: `GET /api/documents`.
 */
export interface KlearStackEmulator extends ProviderEmulator {
  readonly name: 'klearstack';
  /** The one account that can log in. */
  readonly credentials: KlearStackCredentials;
  /** Full URL of the refresh endpoint (not in the vendor doc; invented here). */
  readonly refreshUrl: string;
}

/** Lifetimes of KlearStack tokens, in seconds. */
export interface KlearStackLifetimes {
  access: number;
  refresh: number;
}

const LOGIN_PATH = '/access/klearstack/get_access_token';
const REFRESH_PATH = '/access/klearstack/refresh_token';
const RELEASE_VERSION = '7.8.9';
const USER_ID = 26;

/** Required login fields, in the order they are checked, with the label the 500 text uses. */
const REQUIRED_FIELDS = [
  ['username', 'Username'],
  ['password', 'Password'],
  ['company_name', 'Company Name'],
] as const;

/** Starts the KlearStack emulator. */
export async function startKlearStack(
  options: ProviderStartOptions & { lifetimes: KlearStackLifetimes },
): Promise<Started<KlearStackEmulator>> {
  const secret = randomBytes(32);
  /** `jti` of every token still honoured. */
  const live = new Set<string>();

  const issue = (type: 'access' | 'refresh'): string => {
    const iat = Math.floor(options.now() / 1000);
    const jti = randomBytes(16).toString('hex');
    live.add(jti);
    const lifetime = type === 'access' ? options.lifetimes.access : options.lifetimes.refresh;
    return signJwt({ token_type: type, exp: iat + lifetime, iat, jti, user_id: USER_ID }, secret);
  };

  /** The `jti` of a live, unexpired token of the given type, else `undefined`. */
  const check = (token: string, type: 'access' | 'refresh'): string | undefined => {
    const claims = verifyJwt(token, secret);
    if (!claims || claims.token_type !== type) return undefined;
    const { exp, jti } = claims;
    if (typeof exp !== 'number' || options.now() / 1000 >= exp) return undefined;
    return typeof jti === 'string' && live.has(jti) ? jti : undefined;
  };

  const tokens = () => ({
    access_token: issue('access'),
    refresh_token: issue('refresh'),
    release_version: RELEASE_VERSION,
  });

  const { close, ...server } = await startProviderServer(
    {
      name: 'klearstack',
      tokenPaths: [LOGIN_PATH, REFRESH_PATH],
      apiBasePath: '/api/',
      async token(req): Promise<TokenOutcome> {
        if (req.method !== 'POST') {
          return { reply: json(405, { detail: `Method "${req.method}" not allowed.` }) };
        }
        const form = await parseForm(req);
        if (req.url.pathname === REFRESH_PATH) {
          const jti = check(form.get('refresh_token') ?? '', 'refresh');
          if (!jti) return { reply: json(401, { detail: 'Invalid refresh token' }) };
          live.delete(jti);
          return { reply: json(200, tokens()), issued: true, refreshed: true };
        }
        for (const [field, label] of REQUIRED_FIELDS) {
          if (!form.get(field)) {
            const message = `One or Many Required parameters from ${label.toLowerCase()} must be missing, E.g error "${label}"`;
            return { reply: text(500, message) };
          }
        }
        if (
          form.get('username') !== CREDENTIALS.username ||
          form.get('password') !== CREDENTIALS.password ||
          form.get('company_name') !== CREDENTIALS.companyName
        ) {
          return { reply: json(401, { detail: 'Invalid credentials' }) };
        }
        return { reply: json(200, tokens()), issued: true };
      },
      missingFieldBody: () => ({ release_version: RELEASE_VERSION }),
      authenticate: (token) => (check(token, 'access') ? USER_ID : undefined),
      unauthorized: () =>
        json(401, { detail: 'Given token not valid for any token type', code: 'token_not_valid' }),
      api: (route) => (route === 'documents' ? json(200, EMULATOR_API_DATA.klearstack) : undefined),
      revokeAll: () => live.clear(),
    },
    options,
  );
  return {
    emulator: {
      ...server,
      name: 'klearstack',
      credentials: CREDENTIALS,
      refreshUrl: `${server.origin}${REFRESH_PATH}`,
    },
    close,
  };
}
