import type { AddressInfo } from 'node:net';
import { authClientsPlugin } from '@auth/fastify';
import Fastify from 'fastify';
import { answerCall, appRow } from './app-row.js';

export const fastify = appRow('fastify request view', async (clients) => {
  const app = Fastify();
  await app.register(authClientsPlugin, { clients });
  app.get('/call', async (request) =>
    answerCall(request.authClients, (request.query as { call: string }).call),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
});
