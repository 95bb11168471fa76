import { createPublicKey } from 'node:crypto';
import { EMULATOR_API_DATA } from './api-data.js';
import { EMULATOR_CREDENTIALS, type GitHubAppCredentials } from './credentials.js';
import { jwtTimeProblem, verifyRsaJwt } from './jwt.js';
import { bearerToken } from './request.js';
import {
  json,
  type ProviderStartOptions,
  type Reply,
  type Started,
  startProviderServer,
  type TokenOutcome,
} from './server.js';
import { tokenBook } from './token-book.js';
import type { ProviderEmulator } from './types.js';

const CREDENTIALS = EMULATOR_CREDENTIALS.github;
const TOKEN_PATH = `/app/installations/${CREDENTIALS.installationId}/access_tokens`;
/** GitHub refuses an app JWT whose `exp` is more than 10 minutes ahead. */
const MAX_APP_JWT_SECONDS = 600;

/**
 * Emulates GitHub App installation tokens
 * (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app):
 * `POST /app/installations/{installation_id}/access_tokens` with `Authorization: Bearer <app JWT>`
 * (RS256 with the app's key, `iss` = app id, `exp` at most 10 minutes ahead) answers **201**
 * `{ token: "ghs_…", expires_at: ISO time, permissions, repository_selection }`. Errors are
 * `{ message, documentation_url }` (401). API: `GET /installation/repositories`.
 */
export interface GitHubAppEmulator extends ProviderEmulator {
  readonly name: 'github';
  /** The app, its installation and its private key. */
  readonly credentials: GitHubAppCredentials;
}

/** Starts the GitHub App emulator; installation tokens live `lifetime` seconds (GitHub: 1 hour). */
export async function startGitHub(
  options: ProviderStartOptions & { lifetime: number },
): Promise<Started<GitHubAppEmulator>> {
  const publicKey = createPublicKey(CREDENTIALS.privateKey);
  const book = tokenBook<string>(options.now);
  const expiresAt = () =>
    new Date(options.now() + options.lifetime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const permissions = { contents: 'read', metadata: 'read' };

  const { close, ...server } = await startProviderServer(
    {
      name: 'github',
      tokenPaths: [TOKEN_PATH],
      apiBasePath: '/',
      token(req): TokenOutcome {
        if (req.method !== 'POST') return { reply: githubError(404, 'Not Found') };
        const jwt = bearerToken(req.headers);
        const verified = jwt === undefined ? undefined : verifyRsaJwt(jwt, publicKey);
        if (verified === undefined || verified.header.alg !== 'RS256') {
          return { reply: githubError(401, 'A JSON web token could not be decoded') };
        }
        const problem = jwtTimeProblem(verified.claims, {
          now: Math.floor(options.now() / 1000),
          maxLifetime: MAX_APP_JWT_SECONDS,
          skew: 60,
        });
        if (problem !== undefined) return { reply: githubError(401, problem) };
        if (String(verified.claims.iss) !== CREDENTIALS.appId) {
          return { reply: githubError(401, 'Integration not found') };
        }
        const token = book.issue(CREDENTIALS.installationId, options.lifetime, 'ghs_');
        const body = {
          token,
          expires_at: expiresAt(),
          permissions,
          repository_selection: 'all',
        };
        return { reply: json(201, body), issued: true };
      },
      missingFieldBody: () => ({ expires_at: expiresAt(), permissions }),
      authenticate: (token) => book.check(token),
      unauthorized: () => githubError(401, 'Bad credentials'),
      api: (route) =>
        route === 'installation/repositories' ? json(200, EMULATOR_API_DATA.github) : undefined,
      revokeAll: () => book.clear(),
    },
    options,
  );
  return { emulator: { ...server, name: 'github', credentials: CREDENTIALS }, close };
}

/** GitHub's REST error body. */
function githubError(status: number, message: string): Reply {
  return json(status, { message, documentation_url: 'https://docs.github.com/rest' });
}
