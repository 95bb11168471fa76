import { createDemoClients, type DemoConfig } from '@auth/demo-config';
import { listenOnFreePort } from '@auth/testing';
import { secretCheck } from '../../../packages/koa/test/support.js';
import { DEMO_SECRETS } from '../../demo-config/src/test-support.js';
import { createDemoApp, type DemoAppOptions } from '../src/app.js';

/** A demo app serving on a free loopback port. */
export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

/** Builds a COLD demo app (fresh clients, empty token cache) and serves it. */
export async function startDemo(
  config: DemoConfig,
  options: DemoAppOptions = {},
): Promise<RunningDemo> {
  const clients = createDemoClients(config);
  const server = await listenOnFreePort(createDemoApp(clients, options));
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await clients.close();
    },
  };
}

/** Fails when a demo secret (or the wrong password the tests use) appears in any of `printed`. */
export const expectNoSecret = secretCheck([...DEMO_SECRETS, 'wrong-demo-password']);
