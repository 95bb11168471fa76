import { Writable } from 'node:stream';
import { TokenEndpointError } from '@auth/core';
import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authClientsPlugin } from '../src/index.js';
import { createTestClients, expectNoSecret, listen, type Running } from './support.js';

let emulators: Emulators;
const running: Running[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await emulators?.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
  resetEmulators(emulators);
});

function expectProblem(body: unknown, code: string): void {
  expect(body).toEqual({
    type: 'about:blank',
    title: 'Bad Gateway',
    status: 502,
    code,
    detail: 'Could not obtain an access token from an upstream provider',
  });
}

/** A Fastify app whose log lines are kept in `logs`. */
function loggingApp(): { app: FastifyInstance; logs: string[] } {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  return { app: Fastify({ logger: { level: 'debug', stream } }), logs };
}

async function serve(app: FastifyInstance): Promise<string> {
  const server = await listen(app);
  running.push(server);
  return server.url;
}

/** An app relaying AlertSite's devices; `passedOn` is what reached the app's own error handler. */
async function relayApp(options: { alertsitePassword?: string } = {}) {
  const { app, logs } = loggingApp();
  const passedOn: unknown[] = [];
  await app.register(authClientsPlugin, { clients: createTestClients(emulators, options) });
  app.setErrorHandler((error, _request, reply) => {
    passedOn.push(error);
    return reply.code(500).send('other');
  });
  app.get('/', async (request, reply) => {
    const upstream = await request.authClients.alertsite.fetch('devices');
    return reply.code(upstream.status).send(await upstream.json());
  });
  return { url: await serve(app), logs, passedOn };
}

describe('token failures', () => {
  it('answer 502 problem+json with the code only, for wrong credentials; no secret logged', async () => {
    const { url, logs, passedOn } = await relayApp({
      alertsitePassword: 'wrong-password-must-not-leak',
    });
    const [res, ...others] = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/`)));
    const text = await (res as Response).text();

    expect((res as Response).status).toBe(502);
    expect(others.map((other) => other.status)).toEqual([502, 502, 502, 502]);
    expect((res as Response).headers.get('content-type')).toMatch(
      /^application\/problem\+json(;|$)/,
    );
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text, logs);
    expect(text).not.toContain('User authentication failed');
    expect(passedOn).toEqual([]);
    // The failed token request is logged once, not once per waiting request.
    const errors = logs.map((line) => JSON.parse(line)).filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('TOKEN_ENDPOINT_REJECTED');
  });

  it('answer 502 when the token endpoint fails (error500)', async () => {
    emulators.alertsite.fault('error500');
    const { url } = await relayApp();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { code: string };
    expectProblem(body, body.code);
    expect(body.code).toMatch(/^TOKEN_/);
    expect(emulators.alertsite.stats.apiCalls).toBe(0);
  });

  it('never echo the vendor message (it may repeat input), with no error handler of the app', async () => {
    const { app } = loggingApp();
    await app.register(authClientsPlugin, { clients: createTestClients(emulators) });
    app.get('/', async () => {
      throw new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'login rejected', {
        flow: 'jsonCredentials',
        status: 400,
        vendorCode: 'invalid_grant',
        vendorMessage: 'unknown user wrong-password-must-not-leak',
      });
    });
    const res = await fetch(await serve(app));
    const text = await res.text();
    expect(res.status).toBe(502);
    expectProblem(JSON.parse(text), 'TOKEN_ENDPOINT_REJECTED');
    expectNoSecret(text);
  });

  it('answer 502 in routes of a plugin registered after it, without awaiting register()', async () => {
    const { app } = loggingApp();
    app.register(authClientsPlugin, {
      clients: createTestClients(emulators, { alertsitePassword: 'wrong-password-must-not-leak' }),
    });
    app.register(async (routes) => {
      routes.get('/', async (request) =>
        (await request.authClients.alertsite.fetch('devices')).json(),
      );
    });
    const res = await fetch(await serve(app));
    expect(res.status).toBe(502);
    expectProblem(await res.json(), 'TOKEN_ENDPOINT_REJECTED');
  });

  it("other errors go on to the app's error handler, and a route's own errorHandler is kept", async () => {
    const { app } = loggingApp();
    const passedOn: unknown[] = [];
    await app.register(authClientsPlugin, { clients: createTestClients(emulators) });
    app.setErrorHandler((error, _request, reply) => {
      passedOn.push(error);
      return reply.code(500).send('other');
    });
    const boom = new Error('boom');
    const rejected = new TokenEndpointError('TOKEN_ENDPOINT_REJECTED', 'login rejected', {
      flow: 'jsonCredentials',
      status: 400,
    });
    app.get('/boom', async () => {
      throw boom;
    });
    app.get(
      '/own',
      { errorHandler: (_error, _request, reply) => reply.code(503).send('mine') },
      async () => {
        throw rejected;
      },
    );
    const url = await serve(app);
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('other');
    const own = await fetch(`${url}/own`);
    expect(own.status).toBe(503);
    expect(await own.text()).toBe('mine');
    expect(passedOn).toEqual([boom]);
  });
});
