import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../src/index.js';
import { fakeClock, postForm, withBearer } from './helpers.js';

interface TokenBody {
  access_token: string;
  [key: string]: unknown;
}

/** A GET with a body, as the doc's `curl --request GET --data-urlencode ...` sends (fetch cannot). */
function getWithBody(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('aspnet token emulator', () => {
  const clock = fakeClock(Date.parse('2020-09-13T09:35:33Z'));
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators({ now: clock.now });
  });
  afterAll(() => emulators.close());
  beforeEach(() => emulators.aspnet.resetStats());

  const fields = () => ({ grant_type: 'password', ...emulators.aspnet.credentials });
  const token = (body: Record<string, string> = fields(), headers?: Record<string, string>) =>
    fetch(emulators.aspnet.tokenUrl, postForm(body, headers));
  const accessToken = async () => ((await (await token()).json()) as TokenBody).access_token;
  const me = (bearer: string) => fetch(`${emulators.aspnet.apiBaseUrl}me`, withBearer(bearer));

  it('has the documented URLs and credentials', () => {
    const { origin, tokenUrl, apiBaseUrl, credentials } = emulators.aspnet;
    expect(tokenUrl).toBe(`${origin}/Token`);
    expect(apiBaseUrl).toBe(`${origin}/api/`);
    expect(credentials).toEqual({ username: 'user@example.com', password: 'passw0rd-aspnet' });
  });

  it('answers the documented body with RFC 1123 dates and serves /api/me', async () => {
    const res = await token();
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[\w-]{100,}$/),
      token_type: 'bearer',
      expires_in: 1209600,
      userName: 'user@example.com',
      userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
      role: 'Administrator',
      '.issued': 'Sun, 13 Sep 2020 09:35:33 GMT',
      '.expires': 'Sun, 27 Sep 2020 09:35:33 GMT',
    });
    const api = await me(body.access_token);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({
      userName: 'user@example.com',
      userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
      role: 'Administrator',
    });
    expect(emulators.aspnet.stats).toMatchObject({
      tokenRequests: 1,
      tokenAttempts: 1,
      apiCalls: 1,
    });
  });

  it('accepts a GET with a urlencoded body labelled application/json, as the doc’s curl', async () => {
    const res = await getWithBody(
      emulators.aspnet.tokenUrl,
      new URLSearchParams(fields()).toString(),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      token_type: 'bearer',
      userName: 'user@example.com',
    });
    expect(emulators.aspnet.stats.lastTokenRequest?.method).toBe('GET');
  });

  it('accepts (and ignores) HTTP Basic client authentication', async () => {
    const res = await token(fields(), {
      authorization: `Basic ${Buffer.from('my-app:secret').toString('base64')}`,
    });
    expect(res.status).toBe(200);
  });

  it('discards every earlier token of the user when it issues a new one', async () => {
    const first = await accessToken();
    expect((await me(first)).status).toBe(200);
    const second = await accessToken();
    const old = await me(first);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual({
      Message: 'Authorization has been denied for this request.',
    });
    expect((await me(second)).status).toBe(200);
    expect(emulators.aspnet.stats).toMatchObject({
      tokenRequests: 2,
      apiCalls: 3,
      unauthorized: 1,
    });
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const res = await token({ ...fields(), grant_type: 'client_credentials' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
  });

  it('answers 400 invalid_grant for a wrong password, keeping the current token', async () => {
    const current = await accessToken();
    const res = await token({ ...fields(), password: 'wrong' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The user name or password is incorrect.',
    });
    expect((await me(current)).status).toBe(200);
    expect(emulators.aspnet.stats).toMatchObject({ tokenRequests: 1, tokenAttempts: 2 });
  });

  it('answers 401 once the token is 14 days old', async () => {
    const bearer = await accessToken();
    clock.advance(1209599);
    expect((await me(bearer)).status).toBe(200);
    clock.advance(1);
    expect((await me(bearer)).status).toBe(401);
    expect(emulators.aspnet.stats).toMatchObject({ apiCalls: 2, unauthorized: 1 });
  });
});
