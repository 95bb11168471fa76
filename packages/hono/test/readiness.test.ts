import { type Emulators, resetEmulators, startEmulators } from '@auth/testing';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authClients } from '../src/index.js';
import { emulatorClients } from './support.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

it("the README's readiness route: up, then 503 down once a login fails, with no secret", async () => {
  const wrong = 'wr0ng-readiness-secret';
  const clients = emulatorClients(emulators, { alertsitePassword: wrong });
  const app = new Hono()
    .use(authClients(clients, { onTokenFailure: false }))
    .get('/health/ready', (c) => {
      const rows = clients.status();
      const down = rows.some((row) => row.state === 'failing' && row.expiresInMs === undefined);
      return c.json({ status: down ? 'down' : 'up', clients: rows }, down ? 503 : 200);
    });
  let res = await app.request('/health/ready');
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    status: 'up',
    clients: expect.arrayContaining([{ client: 'alertsite', state: 'empty', failures: 0 }]),
  });

  await expect(clients.alertsite.getToken()).rejects.toMatchObject({
    code: 'TOKEN_ENDPOINT_REJECTED',
  });
  res = await app.request('/health/ready');
  const text = await res.text();
  expect(res.status).toBe(503);
  expect(JSON.parse(text)).toMatchObject({
    status: 'down',
    clients: expect.arrayContaining([
      expect.objectContaining({
        client: 'alertsite',
        state: 'failing',
        lastError: 'TOKEN_ENDPOINT_REJECTED',
      }),
    ]),
  });
  expect(text).not.toContain(wrong);
  resetEmulators(emulators);
});
