import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenOnFreePort } from '../src/index.js';

describe('listenOnFreePort', () => {
  it('serves the listener on a free loopback port', async () => {
    const a = await listenOnFreePort((req, res) => res.end(`path ${req.url}`));
    const b = await listenOnFreePort((_req, res) => res.end('b'));
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b.url).not.toBe(a.url);
    expect(await (await fetch(`${a.url}/devices`)).text()).toBe('path /devices');
    expect(a.server.listening).toBe(true);
    await a.close();
    await b.close();
  });

  it('close() drops open connections at once, and may be called twice', async () => {
    const api = await listenOnFreePort(() => {
      // Never answers: the request stays open until close().
    });
    const ended = new Promise<unknown>((resolve) => {
      get(`${api.url}/hang`, { agent: false }, () => resolve('answered')).on('error', resolve);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.close();
    expect(await ended).toBeInstanceOf(Error);
    expect(api.server.listening).toBe(false);
    await api.close();
    await expect(fetch(`${api.url}/`)).rejects.toThrow();
  });
});
