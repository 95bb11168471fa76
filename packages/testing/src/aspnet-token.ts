import { randomBytes } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { type AspNetCredentials, EMULATOR_CREDENTIALS } from './credentials.js';
import { parseForm } from './request.js';
import {
  json,
  type ProviderStartOptions,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.aspnet;

/**
 * Emulates an ASP.NET-style Token API (`token-api-password-grant.txt`, OAuth2 password grant):
 * `/Token` (POST, or GET with a body as the doc's curl sends) with form `grant_type=password`,
 * `username`, `password` — whatever the Content-Type says; HTTP Basic is accepted and ignored —
 * answers `{"access_token","token_type":"bearer","expires_in","userName","userId","role",
 * ".issued",".expires"}` (RFC 1123 dates). **Every new token discards all earlier tokens of that
 * user.** Errors: 400 `unsupported_grant_type` / `invalid_grant`. API: `GET /api/me`.
 */
export interface AspNetTokenEmulator extends ProviderEmulator {
  readonly name: 'aspnet';
  /** The one account that can log in. */
  readonly credentials: AspNetCredentials;
}

const USER = EMULATOR_API_DATA.aspnet;

/** Starts the Token API emulator; tokens live `lifetime` seconds. */
export async function startAspNetToken(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<AspNetTokenEmulator>> {
  const sessions = new Map<string, { userName: string; expiresAt: number }>();
  const { close, ...server } = await startProviderServer(
    {
      name: 'aspnet',
      tokenPaths: ['/Token'],
      apiBasePath: '/api/',
      async token(req): Promise<TokenOutcome> {
        if (req.method !== 'POST' && req.method !== 'GET') {
          return { reply: json(400, { error: 'invalid_request' }) };
        }
        const form = await parseForm(req);
        if (form.get('grant_type') !== 'password') {
          return { reply: json(400, { error: 'unsupported_grant_type' }) };
        }
        if (
          form.get('username') !== CREDENTIALS.username ||
          form.get('password') !== CREDENTIALS.password
        ) {
          return {
            reply: json(400, {
              error: 'invalid_grant',
              error_description: 'The user name or password is incorrect.',
            }),
          };
        }
        for (const [token, session] of sessions) {
          if (session.userName === USER.userName) sessions.delete(token);
        }
        const issuedAt = options.now();
        const expiresAt = issuedAt + options.lifetime * 1000;
        const token = randomBytes(96).toString('base64url');
        sessions.set(token, { userName: USER.userName, expiresAt });
        const body = {
          access_token: token,
          token_type: 'bearer',
          expires_in: options.lifetime,
          ...USER,
          '.issued': new Date(issuedAt).toUTCString(),
          '.expires': new Date(expiresAt).toUTCString(),
        };
        return { reply: json(200, body), issued: true };
      },
      missingFieldBody: () => ({ token_type: 'bearer', expires_in: options.lifetime, ...USER }),
      authenticate(token) {
        const session = sessions.get(token);
        return session && options.now() < session.expiresAt ? session.userName : undefined;
      },
      unauthorized: () => json(401, { Message: 'Authorization has been denied for this request.' }),
      api: (route) => (route === 'me' ? json(200, USER) : undefined),
      revokeAll: () => sessions.clear(),
    },
    options,
  );
  return { emulator: { ...server, name: 'aspnet', credentials: CREDENTIALS }, close };
}
