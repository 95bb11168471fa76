import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createDemoClients, type DemoConfig } from '@auth/demo-config';
import { secretCheck } from '../../../packages/koa/test/support.js';
import { DEMO_SECRETS } from '../../demo-config/src/test-support.js';
import { createDemoApp, type DemoAppOptions } from '../src/app.js';

/** A demo app serving on a free loopback port. */
export interface RunningDemo {
  url: string;
  /** The app's log lines (JSON, level `info` and up). */
  logs: string[];
  close(): Promise<void>;
}

/** Builds a COLD demo app (fresh clients, empty token cache) and serves it, its log kept. */
export async function startDemo(
  config: DemoConfig,
  options: Omit<DemoAppOptions, 'logger'> = {},
): Promise<RunningDemo> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const clients = createDemoClients(config);
  const app = await createDemoApp(clients, { ...options, logger: { level: 'info', stream } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    close: async () => {
      await app.close();
      await clients.close();
    },
  };
}

/** Fails when a demo secret (or the wrong password the tests use) appears in any of `printed`. */
export const expectNoSecret = secretCheck([...DEMO_SECRETS, 'wrong-demo-password']);
