// Scenario 9: the same Hono worker without auth: a fixed token from the environment.
import { Hono } from 'hono';

const app = new Hono();
app.get('/items', async (c) => {
  const res = await fetch(new URL('items', c.env.API_BASE_URL), {
    headers: { authorization: `Bearer ${c.env.API_TOKEN}` },
  });
  return c.json(await res.json(), res.status);
});
export default app;
