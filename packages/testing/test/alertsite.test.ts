import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../src/index.js';
import { fakeClock, postJson, withBearer } from './helpers.js';

describe('alertsite emulator', () => {
  const clock = fakeClock();
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators({ now: clock.now });
  });
  afterAll(() => emulators.close());
  beforeEach(() => emulators.alertsite.resetStats());

  const login = (body: unknown) => fetch(emulators.alertsite.tokenUrl, postJson(body));
  const devices = (token: string) =>
    fetch(`${emulators.alertsite.apiBaseUrl}devices`, withBearer(token));

  it('has the documented URLs and credentials', () => {
    const { origin, tokenUrl, apiBaseUrl, credentials } = emulators.alertsite;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tokenUrl).toBe(`${origin}/api/v3/access-tokens`);
    expect(apiBaseUrl).toBe(`${origin}/api/v3/`);
    expect(credentials).toEqual({
      username: 'monitor@example.com',
      password: 'passw0rd-alertsite',
    });
  });

  it('answers a bare 32-hex access_token and accepts it on the API', async () => {
    const res = await login(emulators.alertsite.credentials);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(Object.keys(body)).toEqual(['access_token']);
    expect(body.access_token).toMatch(/^[0-9a-f]{32}$/);

    const api = await devices(body.access_token);
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual({
      results: [
        { id: 1, name: 'web-1' },
        { id: 2, name: 'web-2' },
        { id: 3, name: 'db-1' },
      ],
    });
    expect(emulators.alertsite.stats).toMatchObject({
      tokenRequests: 1,
      tokenAttempts: 1,
      apiCalls: 1,
      unauthorized: 0,
    });
    expect(emulators.alertsite.stats.lastTokenRequest).toMatchObject({
      method: 'POST',
      body: JSON.stringify(emulators.alertsite.credentials),
    });
  });

  it('keeps many tokens valid at once and accepts any case of "Bearer"', async () => {
    const first = (await (await login(emulators.alertsite.credentials)).json()) as {
      access_token: string;
    };
    const second = (await (await login(emulators.alertsite.credentials)).json()) as {
      access_token: string;
    };
    expect(first.access_token).not.toBe(second.access_token);
    expect((await devices(first.access_token)).status).toBe(200);
    const lower = await fetch(`${emulators.alertsite.apiBaseUrl}devices`, {
      headers: { authorization: `bearer ${second.access_token}` },
    });
    expect(lower.status).toBe(200);
  });

  it('answers 401 in the errors shape for a wrong password', async () => {
    const res = await login({ username: 'monitor@example.com', password: 'nope' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      errors: [{ code: 401, message: 'invalid_grant - User authentication failed.' }],
    });
    expect(emulators.alertsite.stats).toMatchObject({ tokenRequests: 0, tokenAttempts: 1 });
  });

  it.each([
    ['a body that is not JSON', 'username=x'],
    ['a missing password', JSON.stringify({ username: 'monitor@example.com' })],
  ])('answers the documented 400 for %s', async (_, body) => {
    const res = await fetch(emulators.alertsite.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(
      '{"errors":[{"code":400,"message":"invalid_request - User authentication failed."}]}',
    );
  });

  it('answers 401 after the token lifetime and for unknown or missing tokens', async () => {
    const { access_token } = (await (await login(emulators.alertsite.credentials)).json()) as {
      access_token: string;
    };
    clock.advance(3599);
    expect((await devices(access_token)).status).toBe(200);
    clock.advance(1);
    const expired = await devices(access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ errors: [{ code: 401, message: 'Unauthorized' }] });
    expect((await devices('0'.repeat(32))).status).toBe(401);
    expect((await fetch(`${emulators.alertsite.apiBaseUrl}devices`)).status).toBe(401);
    expect(emulators.alertsite.stats).toMatchObject({ apiCalls: 4, unauthorized: 3 });
  });

  it('revokes every token with revokeAll()', async () => {
    const { access_token } = (await (await login(emulators.alertsite.credentials)).json()) as {
      access_token: string;
    };
    emulators.alertsite.revokeAll();
    expect((await devices(access_token)).status).toBe(401);
    expect(emulators.alertsite.stats.unauthorized).toBe(1);
  });
});
