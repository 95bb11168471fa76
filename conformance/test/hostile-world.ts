import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiUnauthorizedEvent,
  type AuthClients,
  createAuthClients,
  type TokenFlow,
} from '@auth/core';

/** One request as a server of the world received it. */
export interface Recorded {
  readonly server: 'api' | 'other';
  /** The `Host` header: which name the client used for the server. */
  readonly host: string;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Size of the 401 bodies that must reach the caller whole: well past any 64 KiB buffer. */
export const LARGE_401_BYTES = 200 * 1024;

/** The text body every call with a `text` body sends. */
export const TEXT_BODY = 'hello conformance';

/**
 * Two servers on all loopback names (`127.0.0.1`, `localhost`, `[::1]`): the client's API, and a
 * foreign host that records what it is sent. The API accepts only tokens it issued and has not
 * revoked, redirects anywhere on demand, and answers 401s of every kind.
 *
 * The API (`/api/...`):
 * - `redirect?status=S&to=URL`: redirects; `loop`: redirects to itself forever;
 * - `always-401?size=N`: 401 `invalid_token` with an N-byte body, whatever the token;
 * - `scope`: 401 `insufficient_scope` with a {@link LARGE_401_BYTES} body;
 * - anything else: 200 `{ ok, bytes }` for a current token in the header the client sends it
 *   in, 401 `invalid_token` otherwise.
 *
 * The other host: `redirect?to=URL` (an open redirect) and 200 for anything else.
 */
export interface HostileWorld {
  /** `127.0.0.1:PORT` of the API: the only `Host` the token may be sent to. */
  readonly apiHost: string;
  readonly apiPort: number;
  /** `127.0.0.1:PORT` of the other host. */
  readonly otherHost: string;
  /** Everything both servers received, in order. */
  readonly received: Recorded[];
  /** Every token issued so far (to look for in what the servers received). */
  readonly issued: ReadonlySet<string>;
  /** Token requests made so far. */
  tokenRequests(): number;
  /** Every token issued so far stops working at the API. */
  revokeAll(): void;
  /** A registry with one client, `api`, whose token goes in `header`. */
  registry(header: string): { clients: AuthClients<'api'>; events: ApiUnauthorizedEvent[] };
  /** The requests that carried a token somewhere it must never go. */
  leaks(): Recorded[];
  close(): Promise<void>;
}

export async function startHostileWorld(): Promise<HostileWorld> {
  const received: Recorded[] = [];
  const issued = new Set<string>();
  const revoked = new Set<string>();
  let tokenRequests = 0;
  let tokenHeader = 'authorization';

  const carriesToken = (headers: IncomingHttpHeaders): boolean =>
    Object.values(headers).some((value) =>
      [value].flat().some((text) => [...issued].some((token) => String(text).includes(token))),
    );

  const api = await listen(async (request, url, respond) => {
    const path = url.pathname;
    if (path === '/api/redirect') {
      return respond(Number(url.searchParams.get('status')), {
        location: url.searchParams.get('to') ?? '/',
      });
    }
    if (path === '/api/loop') return respond(302, { location: '/api/loop' });
    if (path === '/api/always-401') {
      return unauthorized('invalid_token', Number(url.searchParams.get('size') ?? 0));
    }
    if (path === '/api/scope') return unauthorized('insufficient_scope', LARGE_401_BYTES);
    const sent = request.headers[tokenHeader];
    const token = typeof sent === 'string' ? sent.replace(/^Bearer /, '') : undefined;
    if (token === undefined || !issued.has(token) || revoked.has(token)) {
      return unauthorized('invalid_token', 0);
    }
    return respond(200, { 'content-type': 'application/json' }, JSON.stringify({ ok: true }));

    function unauthorized(error: string, size: number) {
      respond(401, { 'www-authenticate': `Bearer error="${error}"` }, 'x'.repeat(size));
    }
  }, 'api');
  const other = await listen((_request, url, respond) => {
    const to = url.pathname === '/redirect' ? url.searchParams.get('to') : null;
    if (to !== null) return respond(302, { location: to });
    respond(200, { 'content-type': 'application/json' }, JSON.stringify({ at: 'other' }));
  }, 'other');

  const apiHost = `127.0.0.1:${api.port}`;

  function listen(
    answer: (
      request: Recorded,
      url: URL,
      respond: (status: number, headers: Record<string, string>, body?: string) => void,
    ) => unknown,
    name: Recorded['server'],
  ): Promise<{ server: Server; port: number }> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const recorded: Recorded = {
        server: name,
        host: req.headers.host ?? '',
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(recorded);
      // An absolute-form request target names a host; the connection is what counts.
      const url = new URL(
        req.url?.startsWith('/') ? `http://${recorded.host}${req.url}` : (req.url ?? '/'),
      );
      answer(recorded, url, (status, headers, body) => res.writeHead(status, headers).end(body));
    });
    return new Promise((resolve) =>
      // `::` serves 127.0.0.1, localhost and [::1] alike: each is another origin of one server.
      server.listen(0, '::', () =>
        resolve({ server, port: (server.address() as AddressInfo).port }),
      ),
    );
  }

  return {
    apiHost,
    apiPort: api.port,
    otherHost: `127.0.0.1:${other.port}`,
    received,
    issued,
    tokenRequests: () => tokenRequests,
    revokeAll: () => {
      for (const token of issued) revoked.add(token);
    },
    registry(header) {
      tokenHeader = header;
      const flow: TokenFlow = {
        id: 'conformance',
        cacheKeyParts: [header],
        defaultLifetimeSeconds: 3600,
        requestToken: async () => {
          tokenRequests++;
          const accessToken = `conformance-${randomBytes(12).toString('hex')}`;
          issued.add(accessToken);
          return { accessToken, expiresIn: 3600 };
        },
      };
      const events: ApiUnauthorizedEvent[] = [];
      const clients = createAuthClients(
        { api: { baseUrl: `http://${apiHost}/api/`, flow, header } },
        { onEvent: (event) => event.type === 'api.unauthorized' && events.push(event) },
      );
      return { clients, events };
    },
    leaks: () =>
      received.filter(
        (request) =>
          carriesToken(request.headers) && (request.server !== 'api' || request.host !== apiHost),
      ),
    close: async () => {
      for (const { server } of [api, other]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
