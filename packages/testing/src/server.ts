import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordIssued } from './issued-secrets.js';
import { BodyTooLargeError, bearerToken, type ReceivedRequest, readBody } from './request.js';
import type { EmulatorStats, FaultKind, ProviderEmulator, ProviderName } from './types.js';

/** An answer to send: objects are serialised as JSON. */
export interface Reply {
  status: number;
  body: string | object;
  /** Default `application/json` for objects, `text/plain; charset=utf-8` for strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** A JSON answer. */
export function json(status: number, body: object, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

/** An RFC 6749 §5.2 error body: `{ error, error_description? }`. */
export function oauthError(status: number, error: string, description?: string): Reply {
  return json(
    status,
    description === undefined ? { error } : { error, error_description: description },
  );
}

/** A plain-text (or other `contentType`) answer. */
export function text(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): Reply {
  return { status, body, contentType };
}

/** What a token handler did: the answer, and whether it issued a token or refreshed one. */
export interface TokenOutcome {
  reply: Reply;
  issued?: boolean;
  refreshed?: boolean;
}

/** How one provider behaves; {@link startProviderServer} does the HTTP around it. */
export interface ProviderDefinition<Principal> {
  name: ProviderName;
  /** Token endpoint paths; the first is the documented one (`tokenUrl`). */
  tokenPaths: readonly string[];
  /** Path prefix of the API, ending in `/`. */
  apiBasePath: string;
  /** Answers a token endpoint request (login or refresh). */
  token(req: ReceivedRequest): TokenOutcome | Promise<TokenOutcome>;
  /** The provider's success body without `access_token`, for the `missingField` fault. */
  missingFieldBody(): object;
  /** The principal a bearer token stands for, or `undefined` if unknown, expired or revoked. */
  authenticate(token: string): Principal | undefined;
  /**
   * Finds the principal of an API call from the whole request, for schemes beyond `Bearer` (DPoP
   * with its proof). Default: the `Bearer` token through {@link authenticate}.
   */
  authorize?(request: ApiRequest): Principal | undefined;
  /** The provider's 401 answer to an API call. */
  unauthorized(): Reply;
  /** Answers an authenticated API call; `route` is the path after the API base. `undefined` = 404. */
  api(route: string, principal: Principal): Reply | undefined;
  /** Forgets every token issued so far. */
  revokeAll(): void;
  /** Resets counters the provider adds to its stats. */
  resetExtraStats?(): void;
}

/** An API call as {@link ProviderDefinition.authorize} sees it. */
export interface ApiRequest {
  method: string;
  /** The URL the client addressed (its Host header as origin). */
  url: URL;
  headers: IncomingHttpHeaders;
}

/** Where to listen. */
export interface ListenOptions {
  host: string;
  port: number;
}

/** What every provider needs to start: where to listen and the clock (epoch ms). */
export interface ProviderStartOptions extends ListenOptions {
  now: () => number;
}

/** A started provider emulator and the function that stops it. */
export interface Started<E extends ProviderEmulator> {
  emulator: E;
  close(): Promise<void>;
}

/** A running provider: the public emulator surface plus `close`. */
export interface ProviderServer extends Omit<ProviderEmulator, 'name'> {
  close(): Promise<void>;
}

/** How long the `slow` fault keeps a token request waiting. */
export const SLOW_FAULT_MS = 30_000;
/** Size of the string in the `huge` fault's answer (5 MiB). */
export const HUGE_FAULT_BYTES = 5 * 1024 * 1024;
/** Longest wait `GET <apiBase>slow?ms=N` accepts. */
export const MAX_SLOW_API_MS = 60_000;

/** Fresh, zeroed counters. */
export function createStats(): EmulatorStats {
  return {
    tokenRequests: 0,
    tokenAttempts: 0,
    refreshRequests: 0,
    apiCalls: 0,
    unauthorized: 0,
    abortedApiCalls: 0,
  };
}

/**
 * Starts an HTTP server for one provider: routes token and API requests to `def`, applies
 * faults, keeps the counters and answers `GET <apiBase>slow?ms=N` for abort tests.
 */
export async function startProviderServer<Principal>(
  def: ProviderDefinition<Principal>,
  listen: ListenOptions,
  stats: EmulatorStats = createStats(),
): Promise<ProviderServer> {
  let fault: FaultKind | null = null;
  let closing = false;

  async function onToken(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body: await readBody(req),
    };
    stats.tokenAttempts++;
    stats.lastTokenRequest = {
      method: received.method,
      headers: { ...req.headers },
      body: received.body.toString('utf8'),
    };
    const issue = async () => {
      const outcome = await def.token(received);
      if (outcome.issued) {
        stats.tokenRequests++;
        recordIssued(outcome.reply.body);
      }
      if (outcome.refreshed) stats.refreshRequests++;
      send(res, outcome.reply);
    };
    switch (fault) {
      case null:
        return issue();
      case 'down':
        req.socket.destroy();
        return;
      case 'slow': {
        const timer = setTimeout(() => void issue().catch(() => res.destroy()), SLOW_FAULT_MS);
        res.once('close', () => clearTimeout(timer));
        return;
      }
      case 'error500':
        return send(res, text(500, 'Internal Server Error'));
      case 'html':
        return send(
          res,
          text(
            200,
            '<html><body><h1>Down for maintenance</h1></body></html>',
            'text/html; charset=utf-8',
          ),
        );
      case 'garbage':
        return send(res, text(200, '{"access_tok', 'application/json'));
      case 'huge':
        return send(res, json(200, { access_token: 'x'.repeat(HUGE_FAULT_BYTES) }));
      case 'missingField':
        return send(res, json(200, def.missingFieldBody()));
    }
  }

  async function onApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    stats.apiCalls++;
    res.once('close', () => {
      if (!res.writableFinished && !closing) stats.abortedApiCalls++;
    });
    req.resume();
    const token = bearerToken(req.headers);
    const principal = def.authorize
      ? def.authorize({
          method: req.method ?? 'GET',
          url: new URL(`${url.pathname}${url.search}`, `http://${req.headers.host ?? 'localhost'}`),
          headers: req.headers,
        })
      : token === undefined
        ? undefined
        : def.authenticate(token);
    if (principal === undefined) {
      stats.unauthorized++;
      return send(res, def.unauthorized());
    }
    const route = url.pathname.slice(def.apiBasePath.length);
    if (route === 'slow') {
      const ms = Math.min(Math.max(Number(url.searchParams.get('ms')) || 0, 0), MAX_SLOW_API_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return send(res, json(200, { waitedMs: ms }));
    }
    send(res, def.api(route, principal) ?? json(404, { error: 'not_found' }));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const handler = def.tokenPaths.includes(url.pathname)
      ? onToken
      : url.pathname.startsWith(def.apiBasePath)
        ? onApi
        : undefined;
    if (!handler) {
      req.resume();
      return send(res, json(404, { error: 'not_found' }));
    }
    handler(req, res, url).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) send(res, text(413, 'Payload Too Large'));
      else if (!res.headersSent) send(res, text(500, 'Internal Server Error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const origin = `http://${originHost(listen.host)}:${port}`;
  return {
    origin,
    tokenUrl: `${origin}${def.tokenPaths[0] ?? '/'}`,
    apiBaseUrl: `${origin}${def.apiBasePath}`,
    stats,
    fault(kind) {
      fault = kind;
    },
    revokeAll() {
      def.revokeAll();
    },
    resetStats() {
      delete stats.lastTokenRequest;
      Object.assign(stats, createStats());
      def.resetExtraStats?.();
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Writes `reply` unless the client is gone or an answer was already sent. */
function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const isText = typeof reply.body === 'string';
  const body = isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type':
      reply.contentType ??
      (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(body);
}

/** The host part of the origin: unspecified addresses become loopback, IPv6 gets brackets. */
function originHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
