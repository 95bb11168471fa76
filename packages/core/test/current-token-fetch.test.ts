import { createAuthClients } from '@auth/core';
import { describe, expect, it, vi } from 'vitest';
import { deferred, fakeFlow, flush } from './support/fake-flow.js';

/**
 * `AuthClient.fetch` with a current bearer token takes a path without async frames: these tests
 * pin what it must keep from the general path (errors as rejections, the deadline, the options
 * `fetch` gets). 401s and redirects on that path are covered over real HTTP in
 * auth-client.test.ts and redirects.test.ts.
 */
type Sent = { url: string; init: RequestInit };

async function clientWith(
  answer: (url: string, init: RequestInit) => Promise<Response>,
  options: { timeoutMs?: number } = {},
) {
  const sent: Sent[] = [];
  const fetch = (input: string | URL | Request, init: RequestInit = {}) => {
    sent.push({ url: String(input), init });
    return answer(String(input), init);
  };
  const flow = fakeFlow();
  const client = createAuthClients({
    api: { baseUrl: 'https://api.example.test/v1/', flow, fetch, ...options },
  }).api;
  await client.getToken(); // from here on every call has a current token
  return { client, sent, flow };
}

const ok = () => Promise.resolve(new Response('ok'));

describe('AuthClient.fetch with a current token', () => {
  it('gives fetch only the token header and redirect: manual when called without options', async () => {
    const { client, sent } = await clientWith(ok);
    await client.fetch('items');
    await client.fetch('items');
    expect(sent.map((s) => s.url)).toEqual([
      'https://api.example.test/v1/items',
      'https://api.example.test/v1/items',
    ]);
    expect(sent[0]?.init).toEqual({
      headers: { authorization: 'Bearer token-1' },
      redirect: 'manual',
    });
    // One frozen header object per token: no call can change what the next one sends.
    expect(sent[1]?.init.headers).toBe(sent[0]?.init.headers);
    expect(Object.isFrozen(sent[0]?.init.headers)).toBe(true);
  });

  it('upper-cases the method, keeps the caller options and never changes them', async () => {
    const { client, sent } = await clientWith(ok);
    const init: RequestInit = { method: 'patch', body: '{}', headers: { 'x-trace': '1' } };
    await client.fetch('items', init);
    expect(init).toEqual({ method: 'patch', body: '{}', headers: { 'x-trace': '1' } });
    const given = sent[0]?.init as RequestInit;
    expect(given.method).toBe('PATCH');
    expect(given.body).toBe('{}');
    expect(given.redirect).toBe('manual');
    expect(new Headers(given.headers).get('x-trace')).toBe('1');
    expect(new Headers(given.headers).get('authorization')).toBe('Bearer token-1');
  });

  it("passes the view's signal, or the caller's", async () => {
    const { client, sent } = await clientWith(ok);
    const own = new AbortController().signal;
    const caller = new AbortController().signal;
    await client.withContext({ signal: own }).fetch('items');
    await client.fetch('items', { signal: caller });
    expect(sent.map((s) => s.init.signal)).toEqual([own, caller]);
  });

  it('rejects, never throws, when fetch throws or a header is invalid', async () => {
    const { client, sent } = await clientWith(() => {
      throw new TypeError('fetch broke');
    });
    const broken = client.fetch('items');
    expect(broken).toBeInstanceOf(Promise);
    await expect(broken).rejects.toThrow('fetch broke');
    const badHeader = client.fetch('items', { headers: { 'x-bad': 'a\nb' } });
    await expect(badHeader).rejects.toThrow(TypeError);
    expect(sent).toHaveLength(1); // the bad header never reached fetch
  });

  it('times out with a TimeoutError and releases the late response', async () => {
    vi.useFakeTimers();
    try {
      let answer!: (response: Response) => void;
      const { client } = await clientWith(
        () =>
          new Promise<Response>((resolve) => {
            answer = resolve;
          }),
        { timeoutMs: 1_000 },
      );
      const call = client.fetch('items').catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(((await call) as DOMException).name).toBe('TimeoutError');
      const late = new Response('late');
      answer(late);
      await vi.advanceTimersByTimeAsync(0);
      expect(late.bodyUsed || late.body?.locked).toBe(true); // cancelled: the socket is freed
    } finally {
      vi.useRealTimers();
    }
  });

  it('works without a deadline (timeoutMs: Infinity)', async () => {
    const { client } = await clientWith(ok, { timeoutMs: Number.POSITIVE_INFINITY });
    expect(await (await client.fetch('items')).text()).toBe('ok');
  });

  it('builds a new header object for a new token', async () => {
    const { client, sent } = await clientWith(ok);
    await client.fetch('items');
    await client.rejectToken(await client.getToken(), 'Bearer error="invalid_token"');
    await client.fetch('items');
    expect(sent.map((s) => (s.init.headers as Record<string, string>).authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('feeds how long its calls take to the expiry margin: a token that would expire in flight waits', async () => {
    const clock = { wall: 1_000_000, mono: 0 };
    const flow = fakeFlow({ lifetime: 100 }); // refresh window 10 s
    const sent: string[] = [];
    const fetch = async (_input: string | URL | Request, init: RequestInit = {}) => {
      sent.push((init.headers as Record<string, string>).authorization as string);
      clock.mono += 800; // each call takes 800 ms to answer
      return new Response('ok');
    };
    const client = createAuthClients({
      api: {
        baseUrl: 'https://api.example.test/v1/',
        flow,
        fetch,
        now: () => clock.wall,
        monotonic: () => clock.mono,
      },
    }).api;
    await client.getToken();
    await client.fetch('items'); // measured: 800 ms
    const gate = deferred();
    flow.gate = gate.promise;
    clock.wall += 99_000; // 1 s left, more than a call takes: sent, and a refresh starts
    await client.fetch('items');
    clock.wall += 500; // 500 ms left, less than a call takes: waits for the refresh
    const call = client.fetch('items');
    await flush();
    expect(sent).toEqual(['Bearer token-1', 'Bearer token-1']);
    gate.resolve();
    expect((await call).status).toBe(200);
    expect(sent).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
    expect(flow.logins).toBe(2);
  });
});
