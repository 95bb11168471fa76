import { Readable } from 'node:stream';
import { type AuthClient, createAuthClients, type TokenFlow } from '@auth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './support/api-server.js';

/**
 * Redirects are followed by the client itself (so the token is attached per hop); each case is
 * run side by side with a plain `fetch` against the same servers, and must end the same way.
 */
let own: Awaited<ReturnType<typeof startApi>>;
let other: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  other = await startApi((request, res) => {
    if (request.path === '/back') {
      res.writeHead(302, { location: `${own.origin}/echo` }).end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ at: 'other', method: request.method, headers: request.headers }));
  });
  own = await startApi((request, res) => {
    const redirect = (status: number, location: string) =>
      res.writeHead(status, { location }).end();
    const path = request.path;
    if (path.startsWith('/cross/')) return redirect(Number(path.slice(7)), `${other.origin}/echo`);
    if (path.startsWith('/loop/')) return redirect(302, `/loop/${Number(path.slice(6)) + 1}`);
    if (path.startsWith('/hops/')) {
      const left = Number(path.slice(6));
      return left === 0 ? echo() : redirect(302, `/hops/${left - 1}`);
    }
    if (path === '/to-data') return redirect(302, 'data:text/plain,forged');
    if (path === '/to-file') return redirect(302, 'file:///etc/passwd');
    if (path === '/bounce') return redirect(302, `${other.origin}/back`);
    if (path.startsWith('/same/')) return redirect(Number(path.slice(6)), '/echo');
    return echo();
    function echo() {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          at: 'own',
          method: request.method,
          headers: request.headers,
          body: request.body,
        }),
      );
    }
  });
});
afterAll(async () => {
  await own.close();
  await other.close();
});

const flow: TokenFlow = {
  id: 'fixed',
  cacheKeyParts: [],
  defaultLifetimeSeconds: 3600,
  requestToken: async () => ({ accessToken: 'the-token', expiresIn: 3600 }),
};

function client(header?: string): AuthClient {
  return createAuthClients({ api: { baseUrl: own.url, flow, ...(header ? { header } : {}) } }).api;
}

const callerHeaders = {
  authorization: 'Basic Y2FsbGVyOnNlY3JldA==',
  cookie: 'session=abc',
  'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
  'x-trace': 'kept',
};

/** How a call ended, in terms both `fetch` and the client can be compared on. */
async function outcome(call: Promise<Response>) {
  try {
    const res = await call;
    const json = (await res.json()) as {
      at: string;
      method: string;
      headers: Record<string, string>;
    };
    const { authorization, cookie, 'proxy-authorization': proxy, 'x-trace': trace } = json.headers;
    return {
      status: res.status,
      at: json.at,
      method: json.method,
      headers: { authorization, cookie, proxy, trace },
      contentType: json.headers['content-type'],
    };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

describe('redirects behave as fetch', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`drops the caller's credentials and the token on a cross-origin ${status}`, async () => {
      const plain = await outcome(
        fetch(`${own.origin}/cross/${status}`, { headers: callerHeaders }),
      );
      const ours = await outcome(
        client('x-api-key').fetch(`cross/${status}`, { headers: callerHeaders }),
      );
      expect(ours).toEqual(plain);
      expect(plain).toMatchObject({ at: 'other', headers: { trace: 'kept' } });
      expect(plain.headers?.authorization).toBeUndefined();
      expect(plain.headers?.cookie).toBeUndefined();
      expect(plain.headers?.proxy).toBeUndefined();
    });
  }

  it('never sends the token header to another origin, whatever its name', async () => {
    for (const header of ['authorization', 'x-api-key']) {
      const res = await client(header).fetch('cross/307');
      const json = (await res.json()) as { at: string; headers: Record<string, string> };
      expect(json.at).toBe('other');
      expect(json.headers[header]).toBeUndefined();
    }
  });

  it('follows redirects the same way with a cached token (the call without awaits)', async () => {
    const post = () => ({ method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    const cases: [string, () => RequestInit][] = [
      ...[301, 302, 303, 307, 308].map((status): [string, () => RequestInit] => [
        `cross/${status}`,
        () => ({ headers: callerHeaders }),
      ]),
      ['same/302', () => ({ headers: callerHeaders })],
      ['same/303', post],
      ['same/307', post],
      ['bounce', () => ({ headers: { cookie: 'session=abc' } })],
      ['hops/20', () => ({})],
      ['loop/0', () => ({})],
      ['to-data', () => ({})],
    ];
    for (const [path, init] of cases) {
      const first = await outcome(client().fetch(path, init()));
      const warm = client();
      await warm.getToken();
      expect(await outcome(warm.fetch(path, init())), path).toEqual(first);
    }
    for (const header of ['authorization', 'x-api-key']) {
      const warm = client(header);
      await warm.getToken();
      const json = (await (await warm.fetch('cross/307')).json()) as {
        at: string;
        headers: Record<string, string>;
      };
      expect(json.at).toBe('other');
      expect(json.headers[header]).toBeUndefined();
    }
  });

  it('keeps credentials on a same-origin redirect, with the token', async () => {
    const ours = await client('x-api-key').fetch('same/302', { headers: callerHeaders });
    const json = (await ours.json()) as { headers: Record<string, string> };
    expect(json.headers.cookie).toBe('session=abc');
    expect(json.headers['x-api-key']).toBe('Bearer the-token');
  });

  it('re-attaches the token when a redirect comes back to its own origin, not the caller cookie', async () => {
    const res = await client().fetch('bounce', { headers: { cookie: 'session=abc' } });
    const json = (await res.json()) as { at: string; headers: Record<string, string> };
    expect(json.at).toBe('own');
    expect(json.headers.authorization).toBe('Bearer the-token');
    expect(json.headers.cookie).toBeUndefined(); // dropped for good at the first cross-origin hop
  });

  for (const [name, path] of [
    ['a data: URL', 'to-data'],
    ['a file: URL', 'to-file'],
    ['a redirect loop', 'loop/0'],
  ] as const) {
    it(`fails on ${name} with a TypeError, as fetch does`, async () => {
      const plain = await outcome(fetch(`${own.origin}/${path}`));
      const ours = await outcome(client().fetch(path));
      expect(plain).toMatchObject({ error: 'TypeError' });
      expect(ours).toMatchObject({ error: 'TypeError' });
    });
  }

  it('follows exactly 20 redirects, as fetch does', async () => {
    const plain = await outcome(fetch(`${own.origin}/hops/20`));
    const ours = await outcome(client().fetch('hops/20'));
    expect(ours.headers?.authorization).toBe('Bearer the-token'); // the token stays at home
    expect({ ...ours, headers: undefined }).toEqual({ ...plain, headers: undefined });
    expect(plain).toMatchObject({ status: 200, at: 'own' });
  });

  it('turns POST into GET on 301/302/303 and drops the body headers, keeps it on 307/308', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const init = () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      const plain = await outcome(fetch(`${own.origin}/same/${status}`, init()));
      const ours = await outcome(client().fetch(`same/${status}`, init()));
      expect({ ...ours, headers: undefined }).toEqual({ ...plain, headers: undefined });
    }
  });

  it('fails a stream body on a 307 with a TypeError, as fetch does', async () => {
    const stream = () => Readable.toWeb(Readable.from(['data'])) as ReadableStream;
    const init = () => ({ method: 'POST', body: stream(), duplex: 'half' }) as RequestInit;
    const plain = await outcome(fetch(`${own.origin}/same/307`, init()));
    const ours = await outcome(client().fetch('same/307', init()));
    expect(plain).toMatchObject({ error: 'TypeError' });
    expect(ours).toMatchObject({ error: 'TypeError' });
  });
});
