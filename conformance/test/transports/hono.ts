import type { AddressInfo } from 'node:net';
import { authClients } from '@auth/hono';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { answerCall, appRow } from './app-row.js';

export const hono = appRow('hono request view', async (clients) => {
  const app = new Hono()
    .use(authClients(clients))
    .get('/call', async (c) => c.json(await answerCall(c.var.authClients, c.req.query('call'))));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
