import { type DemoClients, type DemoConfig } from '@auth/demo-config';
import { listenOnFreePort } from '@auth/testing';
import { secretCheck } from '../../../packages/koa/test/support.js';
import { DEMO_SECRETS } from '../../demo-config/src/test-support.js';
import { createDemoApp, type DemoAppOptions } from '../src/app.js';

/** A demo app serving on a free loopback port. */
export interface RunningDemo {
  url: string;
  clients: DemoClients;
  /** What the app reported to `app.on('error')`. */
  reported: unknown[];
  close(): Promise<void>;
}

/** Builds a COLD demo app (fresh clients, empty token cache) and serves it. */
export async function startDemo(
  config: DemoConfig,
  options: DemoAppOptions = {},
): Promise<RunningDemo> {
  const { app, clients } = createDemoApp(config, options);
  const reported: unknown[] = [];
  app.on('error', (error) => reported.push(error));
  const server = await listenOnFreePort(app.callback());
  return {
    url: server.url,
    clients,
    reported,
    close: async () => {
      await server.close();
      await clients.close();
    },
  };
}

/** Every password and client secret of the demo, plus the wrong ones tests use. */
export const SECRETS = [...DEMO_SECRETS, 'wrong-demo-password'];

/** Fails when a secret appears in any of `printed` (inspected deeply when not a string). */
export const expectNoSecret = secretCheck(SECRETS);
