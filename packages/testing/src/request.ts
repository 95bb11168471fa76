import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A request whose body has been read in full. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Largest request body the emulators read (1 MiB); bigger ones answer 413. */
export const MAX_REQUEST_BODY = 1024 * 1024;

/** Thrown by {@link readBody} when the body is larger than the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads the whole request body, rejecting past `limit` bytes or when the client goes away. */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client closed the request'));
    });
  });
}

/**
 * Form fields of a request body. `multipart/form-data` is decoded (the KlearStack doc's Node and
 * browser samples send it); anything else is read as `application/x-www-form-urlencoded`
 * whatever its Content-Type says (the Token API doc sends urlencoded data labelled JSON).
 */
export async function parseForm(req: ReceivedRequest): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return new URLSearchParams(req.body.toString('utf8'));
  const params = new URLSearchParams();
  try {
    const data = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': type },
    }).formData();
    for (const [key, value] of data) if (typeof value === 'string') params.append(key, value);
  } catch {
    // A malformed multipart body has no fields.
  }
  return params;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer +([^\s]+) *$/i.exec(headers.authorization ?? '')?.[1];
}

/** Client id and secret sent with HTTP Basic. */
export interface BasicCredentials {
  id: string;
  secret: string;
}

/**
 * Client credentials from an `Authorization: Basic` header, decoded as RFC 6749 §2.3.1 says:
 * base64 of `form-urlencoded(id):form-urlencoded(secret)`. `undefined` without a Basic header,
 * `'malformed'` when it cannot be decoded.
 */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): BasicCredentials | 'malformed' | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]*) *$/i.exec(headers.authorization ?? '');
  if (!match) return /^Basic\b/i.test(headers.authorization ?? '') ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
