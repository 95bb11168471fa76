// Scenario 9: a Hono worker whose one route calls an API through a client-credentials client.
import { clientCredentials, createAuthClients } from '@auth/core';
import { Hono } from 'hono';

let clients;
const app = new Hono();
app.get('/items', async (c) => {
  clients ??= createAuthClients({
    api: {
      baseUrl: c.env.API_BASE_URL,
      flow: clientCredentials({
        tokenUrl: c.env.TOKEN_URL,
        clientId: c.env.CLIENT_ID,
        clientSecret: c.env.CLIENT_SECRET,
      }),
    },
  });
  const res = await clients.api.fetch('items');
  return c.json(await res.json(), res.status);
});
export default app;
