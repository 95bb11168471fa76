import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../src/index.js';
import { loginRequest, PROVIDERS, waitFor } from './helpers.js';

describe.each(PROVIDERS)('%s token endpoint faults', (name) => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators.close());
  beforeEach(() => {
    emulators[name].fault(null);
    emulators[name].resetStats();
  });

  const login = (init: RequestInit = {}) =>
    fetch(emulators[name].tokenUrl, { ...loginRequest(emulators, name), ...init });
  const expectCounted = () =>
    expect(emulators[name].stats).toMatchObject({ tokenAttempts: 1, tokenRequests: 0 });

  it('down: destroys the socket, so fetch rejects', async () => {
    emulators[name].fault('down');
    await expect(login()).rejects.toThrow(TypeError);
    expectCounted();
  });

  it('slow: does not answer, so a 200 ms timeout aborts', async () => {
    emulators[name].fault('slow');
    const started = Date.now();
    await expect(login({ signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    await waitFor(() => emulators[name].stats.tokenAttempts === 1);
    expectCounted();
  });

  it('error500: 500 text/plain Internal Server Error', async () => {
    emulators[name].fault('error500');
    const res = await login();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Internal Server Error');
    expectCounted();
  });

  it('html: 200 text/html page', async () => {
    emulators[name].fault('html');
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<html>.*<\/html>$/);
    expectCounted();
  });

  it('garbage: 200 application/json with a truncated body', async () => {
    emulators[name].fault('garbage');
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('{"access_tok');
    expectCounted();
  });

  it('huge: 200 JSON with a 5 MiB access_token', async () => {
    emulators[name].fault('huge');
    const res = await login();
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(5 * 1024 * 1024);
    const body = (await res.json()) as { access_token: string };
    expect(body.access_token).toHaveLength(5 * 1024 * 1024);
    expectCounted();
  });

  it('missingField: 200 JSON without access_token', async () => {
    emulators[name].fault('missingField');
    const res = await login();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toBeTypeOf('object');
    expect(body).not.toHaveProperty('access_token');
    expectCounted();
  });

  it('fault(null) restores normal answers', async () => {
    emulators[name].fault('error500');
    emulators[name].fault(null);
    const res = await login();
    expect(res.status).toBe(200);
    expect(emulators[name].stats).toMatchObject({ tokenAttempts: 1, tokenRequests: 1 });
  });
});
