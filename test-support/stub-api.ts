import type { IncomingHttpHeaders } from 'node:http';
import { type ListeningServer, listenOnFreePort } from '@auth/testing';

/** One request as a {@link StubApi} received it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stub upstream API: records every request, redirects, and answers 401 on demand. */
export interface StubApi extends ListeningServer {
  readonly received: Received[];
  /**
   * Answer the next `count` requests that carry `header` (default `authorization`) with 401 and
   * `challenge` (default `Bearer error="invalid_token"`) as `WWW-Authenticate`.
   */
  rejectNext(count: number, options?: { header?: string; challenge?: string }): void;
}

/**
 * Starts a {@link StubApi}. `GET /redirect?to=URL&status=302` redirects; `/status/500` answers
 * 500 (any code); any other path answers 200 JSON `{ method, path, body }`.
 */
export async function startStubApi(): Promise<StubApi> {
  const received: Received[] = [];
  let rejections = 0;
  let rejectHeader = 'authorization';
  let rejectChallenge = '';
  const server = await listenOnFreePort(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    received.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body });
    const to = url.pathname === '/redirect' ? url.searchParams.get('to') : null;
    if (to !== null) {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to });
      res.end();
    } else if (url.pathname.startsWith('/status/')) {
      res.writeHead(Number(url.pathname.slice('/status/'.length)));
      res.end();
    } else if (rejections > 0 && req.headers[rejectHeader] !== undefined) {
      rejections--;
      res.writeHead(401, { 'www-authenticate': rejectChallenge });
      res.end();
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, path: url.pathname, body }));
    }
  });
  return {
    ...server,
    received,
    rejectNext(count, options = {}) {
      rejections = count;
      rejectHeader = options.header ?? 'authorization';
      rejectChallenge = options.challenge ?? 'Bearer error="invalid_token"';
    },
  };
}
