import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnFreePort } from '@auth/testing';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A loopback HTTP API for client tests: records every request and answers through `handler`
 * (default: 200 with `{ ok: true }`).
 */
export async function startApi(
  handler: (request: RecordedRequest, res: ServerResponse) => void = (_, res) =>
    res.end(JSON.stringify({ ok: true })),
) {
  const requests: RecordedRequest[] = [];
  const api = await listenOnFreePort((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        authorization: req.headers.authorization,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  return { origin: api.url, url: `${api.url}/`, requests, close: api.close };
}
