import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { type DemoClients, type DemoConfig } from '@auth/demo-config';
import { EMULATOR_CREDENTIALS } from '@auth/testing';
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
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clients,
    reported,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await clients.close();
    },
  };
}

/** Every password and client secret of the demo, plus the wrong ones tests use. */
export const SECRETS = [
  EMULATOR_CREDENTIALS.alertsite.password,
  EMULATOR_CREDENTIALS.klearstack.password,
  EMULATOR_CREDENTIALS.aspnet.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((t) => t.clientSecret),
  'wrong-demo-password',
];

/** Fails when a secret appears in any of `printed` (inspected deeply when not a string). */
export function expectNoSecret(...printed: unknown[]): void {
  for (const value of printed) {
    const text =
      typeof value === 'string' ? value : inspect(value, { depth: Number.POSITIVE_INFINITY });
    for (const secret of SECRETS) {
      if (text.includes(secret)) throw new Error(`secret leaked: ${text.slice(0, 500)}`);
    }
  }
}
