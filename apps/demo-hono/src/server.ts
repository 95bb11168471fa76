import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDemoApp, type DemoAppOptions } from './app.js';

/** Default port of the Hono demo. */
export const DEFAULT_PORT = 3003;

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:PORT` (or the bound host). */
  url: string;
  port: number;
  /** Stops accepting connections, ends open ones, then closes the clients. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the demo app and serves it with `@hono/node-server` on `port` (`0`: a free one).
 *
 * @example
 * const server = await startDemoServer({ config: demoConfigFromEnv(), port: 3003 });
 * console.log(server.url);
 * await server.close();
 */
export function startDemoServer(
  options: DemoAppOptions & { port?: number; hostname?: string; graceMs?: number },
): Promise<DemoServer> {
  const { app, clients } = createDemoApp(options);
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname },
      (info) => {
        const { port } = info as AddressInfo;
        let closing: Promise<void> | undefined;
        resolve({
          url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
          port,
          close: () => {
            closing ??= new Promise<void>((done) => {
              // Let requests in flight finish for a moment, then cut what is left.
              const force = setTimeout(() => {
                if ('closeAllConnections' in server) server.closeAllConnections();
              }, options.graceMs ?? 5_000);
              force.unref();
              server.close(() => {
                clearTimeout(force);
                done();
              });
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }).then(() => clients.close());
            return closing;
          },
        });
      },
    );
    server.once('error', reject);
  });
}
