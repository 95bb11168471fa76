import { randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EMULATOR_API_DATA,
  EMULATOR_CREDENTIALS,
  type Emulators,
  startEmulators,
} from '../src/index.js';

/** An RS256 JWT signed with `pem`, claims dated from now (seconds). */
function rs256(pem: string, claims: Record<string, unknown>, header: object = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', ...header })}.${encode({ iat: now, exp: now + 60, jti: randomUUID(), ...claims })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), pem).toString('base64url')}`;
}

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
});
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const now = () => Math.floor(Date.now() / 1000);

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

describe('vendor emulators check what the vendors check', () => {
  it('github: an app JWT whose exp is over 10 minutes ahead is refused; a good one buys a 201', async () => {
    const { appId, privateKey } = EMULATOR_CREDENTIALS.github;
    const post = (jwt: string) =>
      fetch(emulators.github.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}` },
      });
    const far = await post(rs256(privateKey, { iss: Number(appId), exp: now() + 11 * 60 }));
    expect(far.status).toBe(401);
    expect(await far.json()).toEqual({
      message: "'Expiration time' claim ('exp') is too far in the future",
      documentation_url: 'https://docs.github.com/rest',
    });
    const good = await post(rs256(privateKey, { iss: Number(appId), exp: now() + 540 }));
    expect(good.status).toBe(201);
    const body = (await good.json()) as { token: string; expires_at: string };
    expect(body.token).toMatch(/^ghs_/);
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const api = new URL('installation/repositories', emulators.github.apiBaseUrl);
    const call = () => fetch(api, { headers: { authorization: `Bearer ${body.token}` } });
    expect(await (await call()).json()).toEqual(EMULATOR_API_DATA.github);
    emulators.github.revokeAll();
    const revoked = await call();
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ message: 'Bad credentials' });
  });

  it('google: aud must be token_uri and scope is required', async () => {
    const key = emulators.google.credentials;
    const grant = (claims: Record<string, unknown>) =>
      fetch(
        key.token_uri,
        form({
          grant_type: JWT_BEARER,
          assertion: rs256(key.private_key, { iss: key.client_email, ...claims }),
        }),
      ).then(async (res) => ({ status: res.status, body: await res.json() }));
    expect(
      await grant({ aud: 'https://oauth2.googleapis.com/token', scope: emulators.google.scope }),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' },
    });
    expect((await grant({ aud: key.token_uri })).body).toMatchObject({ error: 'invalid_scope' });
    const ok = await grant({ aud: key.token_uri, scope: emulators.google.scope });
    expect(ok).toMatchObject({ status: 200, body: { expires_in: 3599, token_type: 'Bearer' } });
  });

  it('salesforce: aud must be the login origin, and the answer has no expires_in', async () => {
    const { clientId, username, privateKey } = EMULATOR_CREDENTIALS.salesforce;
    const grant = (aud: string) =>
      fetch(
        emulators.salesforce.tokenUrl,
        form({
          grant_type: JWT_BEARER,
          assertion: rs256(privateKey, { iss: clientId, sub: username, aud }),
        }),
      ).then(async (res) => ({ status: res.status, body: await res.json() }));
    expect(await grant('https://login.salesforce.com')).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'audience is invalid' },
    });
    const ok = await grant(emulators.salesforce.origin);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'scope',
      'token_type',
    ]);
  });

  it('okta: a client assertion is good once (jti)', async () => {
    const { clientId, privateKey } = EMULATOR_CREDENTIALS.okta;
    const assertion = rs256(privateKey, {
      iss: clientId,
      sub: clientId,
      aud: emulators.okta.tokenUrl,
    });
    const grant = () =>
      fetch(
        emulators.okta.tokenUrl,
        form({
          grant_type: 'client_credentials',
          scope: 'okta.users.read',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      );
    expect((await grant()).status).toBe(200);
    const replay = await grant();
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('zoom: Basic auth only; auth0: the audience is required', async () => {
    const { accountId, clientId, clientSecret } = EMULATOR_CREDENTIALS.zoom;
    const posted = await fetch(
      emulators.zoom.tokenUrl,
      form({
        grant_type: 'account_credentials',
        account_id: accountId,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    );
    expect(posted.status).toBe(400);
    expect(await posted.json()).toEqual({
      reason: 'Invalid client_id or client_secret',
      error: 'invalid_client',
    });
    const auth0 = EMULATOR_CREDENTIALS.auth0;
    const noAudience = await fetch(
      emulators.auth0.tokenUrl,
      form({
        grant_type: 'client_credentials',
        client_id: auth0.clientId,
        client_secret: auth0.clientSecret,
      }),
    );
    expect(noAudience.status).toBe(403);
    expect(await noAudience.json()).toMatchObject({ error: 'access_denied' });
  });

  it('entra: a secret works, the scope must end in /.default, errors carry AADSTS codes', async () => {
    const { clientId, clientSecret, scope } = EMULATOR_CREDENTIALS.entra;
    const grant = (fields: Record<string, string>) =>
      fetch(
        emulators.entra.tokenUrl,
        form({ grant_type: 'client_credentials', client_id: clientId, ...fields }),
      );
    const badScope = await grant({ client_secret: clientSecret, scope: 'User.Read' });
    expect(badScope.status).toBe(400);
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    const wrong = await grant({ client_secret: 'nope', scope });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    const ok = await grant({ client_secret: clientSecret, scope });
    expect(await ok.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
    });
  });
});
