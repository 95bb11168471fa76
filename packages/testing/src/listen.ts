import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server started by {@link listenOnFreePort}. */
export interface ListeningServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  readonly server: Server;
  /** Drops open connections and stops the server. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves a Node request listener on a free port of 127.0.0.1: the app under test
 * (`koaApp.callback()`, an Express app, a plain handler) or a stub upstream API.
 *
 * @example
 * const api = await listenOnFreePort((req, res) => res.end(JSON.stringify({ path: req.url })));
 * const res = await fetch(`${api.url}/devices`);
 * await api.close();
 */
export async function listenOnFreePort(listener: RequestListener): Promise<ListeningServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
