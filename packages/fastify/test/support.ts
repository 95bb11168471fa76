import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Running } from '../../koa/test/support.js';

export {
  createTestClients,
  expectNoSecret,
  leaveDuringUpstreamCall,
  openGet,
  type Running,
  SECRETS,
  secretCheck,
  startEcho,
  type TestClients,
} from '../../koa/test/support.js';

/** Serves `app` on a free loopback port (after loading its plugins). */
export async function listen(app: FastifyInstance): Promise<Running> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server: app.server, close: () => app.close() };
}
