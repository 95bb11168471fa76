import { Readable } from 'node:stream';
import type { AuthClients } from '@auth/core';
import { TEXT_BODY } from './hostile-world.js';

/** One call of the table, in terms every transport can make. */
export interface Call {
  /** Relative to the client's base URL, or absolute (resolved the way the transport's users do). */
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  /** `text`: a string; `stream`: a stream of it; `form`: a `FormData` with `greeting` = it. */
  readonly body?: 'text' | 'stream' | 'form';
}

/** How a call ended: a response (its status and body size), or an error. */
export type Outcome =
  | { readonly status: number; readonly bytes: number }
  | { readonly error: string };

/** A transport under test: how a user of it sends a call through a registry's `api` client. */
export interface Transport {
  /** Sends `call`; never throws (an error is an outcome). */
  send(call: Call): Promise<Outcome>;
  /** Wrong-origin tricks in this transport's own terms (undici's dispatch options, axios's `baseURL`). */
  readonly tricks?: Readonly<Record<string, () => Promise<Outcome>>>;
  close(): Promise<void>;
}

/** `host:port` of the client's API and of the foreign host, for tricks in a transport's own terms. */
export interface Hosts {
  readonly apiHost: string;
  readonly otherHost: string;
}

/** A row of the table: one transport or adapter, and what it does by design. */
export interface TransportRow {
  readonly name: string;
  /** `false` where redirects are handed back (undici without its redirect interceptor). */
  readonly followsRedirects: boolean;
  /** `false` where every body reaches the transport as a stream (undici's `fetch`). */
  readonly replaysBodies: boolean;
  /** Builds the transport around `clients` (and the servers it needs). */
  start(clients: AuthClients<'api'>, hosts: Hosts): Promise<Transport>;
}

/** The `fetch` body of `call` (a `ReadableStream` needs `duplex: 'half'`). */
export function fetchBody(call: Call): { body?: BodyInit; duplex?: 'half' } {
  switch (call.body) {
    case undefined:
      return {};
    case 'text':
      return { body: TEXT_BODY };
    case 'stream':
      return { body: Readable.toWeb(Readable.from([TEXT_BODY])) as ReadableStream, duplex: 'half' };
    case 'form': {
      const form = new FormData();
      form.append('greeting', TEXT_BODY);
      return { body: form };
    }
  }
}

/** Makes `call` with a `fetch`-shaped function (the client's, or a request view's). */
export async function sendWithFetch(
  fetchImpl: (input: string, init?: RequestInit) => Promise<Response>,
  call: Call,
): Promise<Outcome> {
  try {
    const init = { method: call.method ?? 'GET', ...fetchBody(call) } as RequestInit;
    const response = await fetchImpl(call.url, init);
    return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
  } catch (error) {
    return { error: describe(error) };
  }
}

/** An error as the table prints it: name, message and cause, never a token (they are checked). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
