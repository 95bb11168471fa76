/**
 * The adapter option `subjectToken`: a Hono app passes each incoming request's bearer token to a
 * token exchange client, which keeps one downstream token per subject.
 */
import { createAuthClients, type FlowRequest, type TokenFlow } from '@auth/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authClients } from '../src/index.js';

/** An in-process token exchange: a downstream token per subject token, requests counted. */
function exchangeFlow(): TokenFlow & { subjects: string[] } {
  const subjects: string[] = [];
  return {
    id: 'tokenExchange',
    cacheKeyParts: ['https://idp.example.com/token'],
    defaultLifetimeSeconds: 300,
    usesSubjectToken: true,
    subjects,
    async requestToken(request: FlowRequest) {
      subjects.push(request.subjectToken as string);
      return { accessToken: `downstream-${subjects.length}`, expiresIn: 300 };
    },
  };
}

describe('authClients(clients, { subjectToken })', () => {
  it("exchanges each caller's token once and sends the caller's downstream token", async () => {
    const flow = exchangeFlow();
    const sent: string[] = [];
    const clients = createAuthClients({
      billing: {
        baseUrl: 'https://billing.example.com/',
        flow,
        fetch: async (_input, init) => {
          sent.push(new Headers(init?.headers).get('authorization') ?? '');
          return new Response('ok');
        },
      },
    });
    const app = new Hono()
      .use(
        authClients(clients, {
          subjectToken: (c) => c.req.header('authorization')?.replace(/^Bearer /i, ''),
        }),
      )
      .get('/invoices', async (c) =>
        c.text(await (await c.var.authClients.billing.fetch('')).text()),
      );

    const call = (token: string) =>
      app.request('/invoices', { headers: { authorization: `Bearer ${token}` } });
    for (const token of ['caller-a', 'caller-b', 'caller-a', 'caller-b']) {
      expect((await call(token)).status).toBe(200);
    }
    expect(flow.subjects).toEqual(['caller-a', 'caller-b']);
    expect(sent).toEqual([
      'Bearer downstream-1',
      'Bearer downstream-2',
      'Bearer downstream-1',
      'Bearer downstream-2',
    ]);
    await clients.close();
  });
});
