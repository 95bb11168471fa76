import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../src/index.js';
import { fakeClock, postForm, withBearer } from './helpers.js';

interface Tokens {
  access_token: string;
  refresh_token: string;
  release_version: string;
}

function decode(jwt: string): [Record<string, unknown>, Record<string, unknown>] {
  const [header = '', payload = ''] = jwt.split('.');
  const part = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return [part(header), part(payload)];
}

describe('klearstack emulator', () => {
  const clock = fakeClock();
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators({ now: clock.now });
  });
  afterAll(() => emulators.close());
  beforeEach(() => emulators.klearstack.resetStats());

  const fields = () => {
    const { username, password, companyName } = emulators.klearstack.credentials;
    return { username, password, company_name: companyName };
  };
  const login = (body = fields()) => fetch(emulators.klearstack.tokenUrl, postForm(body));
  const loginOk = async () => (await (await login()).json()) as Tokens;
  const refresh = (token: string) =>
    fetch(emulators.klearstack.refreshUrl, postForm({ refresh_token: token }));
  const documents = (token: string) =>
    fetch(`${emulators.klearstack.apiBaseUrl}documents`, withBearer(token));

  it('has the documented URLs and credentials', () => {
    const { origin, tokenUrl, refreshUrl, apiBaseUrl, credentials } = emulators.klearstack;
    expect(tokenUrl).toBe(`${origin}/access/klearstack/get_access_token`);
    expect(refreshUrl).toBe(`${origin}/access/klearstack/refresh_token`);
    expect(apiBaseUrl).toBe(`${origin}/api/`);
    expect(credentials).toEqual({
      username: 'analyst',
      password: 'passw0rd-klear',
      companyName: 'Acme Corp',
    });
  });

  it('logs in with a form and answers HS256 JWTs with the documented claims', async () => {
    const res = await login();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Tokens;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'refresh_token', 'release_version']);
    expect(body.release_version).toBe('7.8.9');

    const iat = clock.now() / 1000;
    const [header, access] = decode(body.access_token);
    expect(header).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(access).toEqual({
      token_type: 'access',
      exp: iat + 900,
      iat,
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      user_id: 26,
    });
    const [, refreshClaims] = decode(body.refresh_token);
    expect(refreshClaims).toMatchObject({ token_type: 'refresh', exp: iat + 7 * 24 * 3600, iat });

    const api = await documents(body.access_token);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({
      documents: [
        { id: 101, file_name: 'invoice-0001.pdf', status: 'processed' },
        { id: 102, file_name: 'invoice-0002.pdf', status: 'in_review' },
      ],
    });
    expect(emulators.klearstack.stats).toMatchObject({
      tokenRequests: 1,
      tokenAttempts: 1,
      refreshRequests: 0,
      apiCalls: 1,
    });
  });

  it('also accepts multipart/form-data, as the doc’s JavaScript sample sends', async () => {
    const data = new FormData();
    for (const [key, value] of Object.entries(fields())) data.append(key, value);
    const res = await fetch(emulators.klearstack.tokenUrl, { method: 'POST', body: data });
    expect(res.status).toBe(200);
  });

  it.each([
    [
      'username',
      'One or Many Required parameters from username must be missing, E.g error "Username"',
    ],
    [
      'password',
      'One or Many Required parameters from password must be missing, E.g error "Password"',
    ],
    [
      'company_name',
      'One or Many Required parameters from company name must be missing, E.g error "Company Name"',
    ],
  ] as const)('answers 500 text/plain when %s is missing', async (field, message) => {
    const body: Record<string, string> = fields();
    delete body[field];
    const res = await login(body as ReturnType<typeof fields>);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(message);
    expect(emulators.klearstack.stats).toMatchObject({ tokenRequests: 0, tokenAttempts: 1 });
  });

  it.each([
    ['password', { password: 'wrong' }],
    ['company', { company_name: 'Other Corp' }],
  ])('answers 401 {"detail":"Invalid credentials"} for a wrong %s', async (_, change) => {
    const res = await login({ ...fields(), ...change });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid credentials' });
  });

  it('rejects an expired access token, a refresh token and a tampered token', async () => {
    const tokens = await loginOk();
    clock.advance(899);
    expect((await documents(tokens.access_token)).status).toBe(200);
    clock.advance(1);
    const expired = await documents(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
    });

    const fresh = await loginOk();
    expect((await documents(fresh.refresh_token)).status).toBe(401);
    const [h, p, s] = fresh.access_token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...payload, user_id: 1 })).toString('base64url');
    expect((await documents(`${h}.${forged}.${s}`)).status).toBe(401);
    expect(emulators.klearstack.stats).toMatchObject({ apiCalls: 4, unauthorized: 3 });
  });

  it('refreshes with a rotated refresh token; the old one is then refused', async () => {
    const first = await loginOk();
    clock.advance(1);
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Tokens;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await documents(second.access_token)).status).toBe(200);

    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(401);
    expect(await reused.json()).toEqual({ detail: 'Invalid refresh token' });
    expect((await refresh(second.refresh_token)).status).toBe(200);
    expect(emulators.klearstack.stats).toMatchObject({
      tokenRequests: 3,
      refreshRequests: 2,
      tokenAttempts: 4,
    });
  });

  it('refuses an expired, unknown, access or missing refresh token with 401', async () => {
    const tokens = await loginOk();
    expect((await refresh(tokens.access_token)).status).toBe(401);
    expect((await refresh('not-a-jwt')).status).toBe(401);
    expect((await fetch(emulators.klearstack.refreshUrl, postForm({}))).status).toBe(401);
    clock.advance(7 * 24 * 3600);
    const expired = await refresh(tokens.refresh_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ detail: 'Invalid refresh token' });
    expect(emulators.klearstack.stats.refreshRequests).toBe(0);
  });

  it('revokeAll() revokes access and refresh tokens', async () => {
    const tokens = await loginOk();
    emulators.klearstack.revokeAll();
    expect((await documents(tokens.access_token)).status).toBe(401);
    expect((await refresh(tokens.refresh_token)).status).toBe(401);
  });
});
