import { type Emulators, startEmulators } from '@auth/testing';
import Koa from 'koa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authClients } from '../src/index.js';
import { createTestClients, expectNoSecret, listen } from './support.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(() => emulators.close());

it("the README's readiness route: up, then 503 down once a login fails, with no secret", async () => {
  const clients = createTestClients(emulators, {
    alertsitePassword: 'wrong-password-must-not-leak',
  });
  const app = new Koa();
  app.on('error', () => {});
  app.use(async (ctx, next) => {
    if (ctx.path !== '/health/ready') return next();
    const rows = clients.status();
    const down = rows.some((row) => row.state === 'failing' && row.expiresInMs === undefined);
    ctx.status = down ? 503 : 200;
    ctx.body = { status: down ? 'down' : 'up', clients: rows };
  });
  app.use(authClients(clients));
  const server = await listen(app);
  try {
    let res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'up' });

    await expect(clients.alertsite.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
    });
    res = await fetch(`${server.url}/health/ready`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text).clients).toContainEqual(
      expect.objectContaining({ client: 'alertsite', state: 'failing', failures: 1 }),
    );
    expectNoSecret(text);
  } finally {
    await server.close();
    await clients.close();
  }
});
