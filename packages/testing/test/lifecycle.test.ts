import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFETIMES,
  EMULATOR_CREDENTIALS,
  type Emulators,
  startEmulators,
} from '../src/index.js';
import { formatEmulators, parseCliArgs, portsFrom } from '../src/table.js';
import {
  dataUrl,
  fakeClock,
  login,
  loginRequest,
  PROVIDERS,
  waitFor,
  withBearer,
} from './helpers.js';

let emulators: Emulators | undefined;
afterEach(async () => {
  await emulators?.close();
  emulators = undefined;
});

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('startEmulators', () => {
  it('starts eleven providers on distinct ports, listed in `all`', async () => {
    emulators = await startEmulators();
    const { alertsite, klearstack, opsramp, aspnet, all } = emulators;
    expect(all.slice(0, 4)).toEqual([alertsite, klearstack, opsramp, aspnet]);
    expect(all.map((e) => e.name)).toEqual([
      'alertsite',
      'klearstack',
      'opsramp',
      'aspnet',
      'github',
      'google',
      'salesforce',
      'okta',
      'entra',
      'auth0',
      'zoom',
    ]);
    expect(new Set(all.map((e) => e.origin)).size).toBe(11);
    const { google, ...vendors } = emulators;
    expect(EMULATOR_CREDENTIALS).toEqual({
      alertsite: alertsite.credentials,
      klearstack: klearstack.credentials,
      opsramp: { tenants: opsramp.tenants },
      aspnet: aspnet.credentials,
      github: vendors.github.credentials,
      google: { ...google.credentials, token_uri: undefined },
      salesforce: vendors.salesforce.credentials,
      okta: vendors.okta.credentials,
      entra: vendors.entra.credentials,
      auth0: vendors.auth0.credentials,
      zoom: vendors.zoom.credentials,
    });
    expect(DEFAULT_LIFETIMES).toEqual({
      alertsite: 3600,
      klearstackAccess: 900,
      klearstackRefresh: 604800,
      opsramp: 7200,
      aspnet: 1209600,
      github: 3600,
      google: 3599,
      salesforce: 7200,
      okta: 3600,
      entra: 3599,
      auth0: 86400,
      zoom: 3599,
    });
  });

  it.each(PROVIDERS)('%s: a token works on the API until the configured lifetime', async (name) => {
    const clock = fakeClock();
    const lifetimes = {
      alertsite: 10,
      klearstackAccess: 10,
      klearstackRefresh: 20,
      opsramp: 10,
      aspnet: 10,
    };
    emulators = await startEmulators({ now: clock.now, lifetimes });
    const token = await login(emulators, name);
    expect((await fetch(dataUrl(emulators, name), withBearer(token))).status).toBe(200);
    clock.advance(10);
    expect((await fetch(dataUrl(emulators, name), withBearer(token))).status).toBe(401);
    expect(emulators[name].stats).toMatchObject({ apiCalls: 2, unauthorized: 1, tokenRequests: 1 });
  });

  it('listens on the given ports and host', async () => {
    const port = await freePort();
    emulators = await startEmulators({ host: '127.0.0.1', ports: { opsramp: port } });
    expect(emulators.opsramp.origin).toBe(`http://127.0.0.1:${port}`);
  });

  it('rejects and frees the other ports when a port is taken', async () => {
    emulators = await startEmulators();
    const taken = Number(new URL(emulators.aspnet.origin).port);
    await expect(startEmulators({ ports: { aspnet: taken } })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('answers 404 outside the token and API routes', async () => {
    emulators = await startEmulators();
    const token = await login(emulators, 'alertsite');
    const res = await fetch(`${emulators.alertsite.apiBaseUrl}nothing`, withBearer(token));
    expect(res.status).toBe(404);
    expect((await fetch(`${emulators.alertsite.origin}/other`)).status).toBe(404);
  });
});

describe('slow API route and aborted calls', () => {
  it.each(PROVIDERS)('%s: answers slow?ms=N after N ms', async (name) => {
    emulators = await startEmulators();
    const token = await login(emulators, name);
    const started = Date.now();
    const res = await fetch(`${emulators[name].apiBaseUrl}slow?ms=50`, withBearer(token));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ waitedMs: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(emulators[name].stats).toMatchObject({ apiCalls: 1, abortedApiCalls: 0 });
  });

  it.each(PROVIDERS)('%s: counts a call the client aborts', async (name) => {
    emulators = await startEmulators();
    const token = await login(emulators, name);
    const controller = new AbortController();
    const pending = fetch(`${emulators[name].apiBaseUrl}slow?ms=10000`, {
      ...withBearer(token),
      signal: controller.signal,
    });
    const stats = emulators[name].stats;
    await waitFor(() => stats.apiCalls === 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await waitFor(() => stats.abortedApiCalls === 1);
    expect(stats).toMatchObject({ apiCalls: 1, abortedApiCalls: 1, unauthorized: 0 });
  });

  it('needs a valid token', async () => {
    emulators = await startEmulators();
    const res = await fetch(`${emulators.alertsite.apiBaseUrl}slow?ms=10000`);
    expect(res.status).toBe(401);
    expect(emulators.alertsite.stats).toMatchObject({ apiCalls: 1, unauthorized: 1 });
  });
});

describe('close()', () => {
  it('returns promptly with slow token requests and slow API calls in flight', async () => {
    const running = await startEmulators();
    running.klearstack.fault('slow');
    const token = await login(running, 'aspnet');
    // Settle both at once (as the error) so the rejection is never unhandled.
    const outcome = (p: Promise<Response>) =>
      p.then(
        (res) => res.status,
        (error: unknown) => error,
      );
    const slowToken = outcome(
      fetch(running.klearstack.tokenUrl, loginRequest(running, 'klearstack')),
    );
    const slowApi = outcome(fetch(`${running.aspnet.apiBaseUrl}slow?ms=20000`, withBearer(token)));
    const idle = await fetch(dataUrl(running, 'aspnet'), withBearer(token)); // keep-alive socket
    expect(idle.status).toBe(200);
    await waitFor(
      () => running.klearstack.stats.tokenAttempts === 1 && running.aspnet.stats.apiCalls === 2,
    );

    const started = Date.now();
    await running.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await slowToken).toBeInstanceOf(TypeError);
    expect(await slowApi).toBeInstanceOf(TypeError);
    expect(running.aspnet.stats.abortedApiCalls).toBe(0);
    await expect(fetch(running.alertsite.tokenUrl)).rejects.toThrow(TypeError);
    await running.close(); // a second call is harmless
  });
});

describe('auth-emulators CLI helpers', () => {
  it('parses --port-base in both spellings and rejects nonsense', () => {
    expect(parseCliArgs([])).toEqual({ help: false });
    expect(parseCliArgs(['--port-base', '4000'])).toEqual({ help: false, portBase: 4000 });
    expect(parseCliArgs(['--port-base=4000', '--help'])).toEqual({ help: true, portBase: 4000 });
    expect(() => parseCliArgs(['--port-base'])).toThrow('--port-base needs a port number');
    expect(() => parseCliArgs(['--port-base', '70000'])).toThrow('--port-base needs');
    expect(() => parseCliArgs(['--verbose'])).toThrow('unknown argument --verbose');
    expect(portsFrom(4000)).toEqual({
      alertsite: 4000,
      klearstack: 4001,
      opsramp: 4002,
      aspnet: 4003,
      github: 4004,
      google: 4005,
      salesforce: 4006,
      okta: 4007,
      entra: 4008,
      auth0: 4009,
      zoom: 4010,
    });
  });

  it('prints every token URL, API base URL and credential', async () => {
    emulators = await startEmulators();
    const table = formatEmulators(emulators);
    for (const e of emulators.all) {
      expect(table).toContain(e.tokenUrl);
      expect(table).toContain(e.apiBaseUrl);
    }
    for (const secret of [
      'passw0rd-alertsite',
      'passw0rd-klear',
      'Acme Corp',
      'opsramp-secret-1234',
      'opsramp-secret-5678',
      'passw0rd-aspnet',
      'entra-secret~Q8r.Zt3',
      'auth0-secret-6Yq2',
      'zoom-secret-Xh7',
    ]) {
      expect(table).toContain(secret);
    }
    expect(table.split('\n')[0]).toMatch(/^provider\s+token URL\s+API base URL\s+credentials$/);
  });
});
