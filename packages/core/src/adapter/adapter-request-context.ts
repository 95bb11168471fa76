import type { RequestContext } from '../client/client-options.js';
import type { ResolvedAdapterOptions } from './adapter-options.js';

/** What an adapter knows of an incoming request, in framework-neutral terms. */
export interface IncomingRequest<Request> {
  /** The framework's request object, handed to the tenant resolver. */
  request: Request;
  /** Reads an incoming header (lower-case name); `undefined` when absent. */
  header(name: string): string | undefined;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

/**
 * The {@link RequestContext} of an incoming request: its signal, the tenant and subject token
 * from their resolvers (checked to be strings) and the propagated headers present on it. Adapters call it lazily,
 * from `clients.withContext(() => requestContext(options, incoming))`.
 */
export function requestContext<Request>(
  options: ResolvedAdapterOptions<Request>,
  incoming: IncomingRequest<Request>,
): RequestContext {
  const context: RequestContext = {};
  if (incoming.signal !== undefined) context.signal = incoming.signal;
  if (options.tenant !== undefined) {
    const tenant = resolved('tenant', options.tenant(incoming.request));
    if (tenant !== undefined) context.tenant = tenant;
  }
  if (options.subjectToken !== undefined) {
    const subjectToken = resolved('subjectToken', options.subjectToken(incoming.request));
    if (subjectToken !== undefined) context.subjectToken = subjectToken;
  }
  let headers: Record<string, string> | undefined;
  for (const name of options.propagateHeaders) {
    const value = incoming.header(name);
    if (value === undefined) continue;
    headers ??= {};
    headers[name] = value;
  }
  if (headers !== undefined) context.headers = headers;
  return context;
}

/** Node's incoming headers (`IncomingMessage.headers`): lower-case names, repeated ones as arrays. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The {@link IncomingRequest.header} reader of a Node request's headers: a repeated header's values
 * joined with `, ` (RFC 9110 §5.3).
 *
 * @example
 * requestContext(options, { request: req, header: nodeHeaders(req.headers) });
 */
export function nodeHeaders(headers: NodeHeaders): (name: string) => string | undefined {
  return (name) => {
    const value = headers[name];
    return typeof value === 'string' || value === undefined ? value : value.join(', ');
  };
}

/** A resolver's answer: a non-empty string or nothing; anything else is a programming error. */
function resolved(name: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (value === undefined || value === null) return undefined;
  throw new TypeError(`the ${name} resolver returned a ${typeof value}; expected a string`);
}

/** The part of a Node `ServerResponse` {@link abortOnDisconnect} needs (no `node:` import). */
export interface ClosableResponse {
  /** `true` once the whole response has been handed to the OS: a later `close` is no disconnect. */
  readonly writableFinished: boolean;
  /** `true` once the response stream is destroyed (the connection is gone). */
  readonly destroyed: boolean;
  /** Registers `listener` for the response's `close` event. */
  once(event: 'close', listener: () => void): unknown;
}

/** The abort reason of {@link abortOnDisconnect} when none is given. */
function clientClosed(): Error {
  return new DOMException(
    'The client closed the connection before the response was sent',
    'AbortError',
  );
}

/**
 * A signal that aborts when the response closes before it finished: the client went away.
 * (Listens on the response: a Node request's own `close` also fires once its body was read.)
 * `reason` makes the abort reason (default: a `DOMException` named `AbortError`).
 */
export function abortOnDisconnect(
  response: ClosableResponse,
  reason: () => Error = clientClosed,
): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort(reason());
  if (response.writableFinished) return controller.signal;
  if (response.destroyed) abort();
  else
    response.once('close', () => {
      if (!response.writableFinished) abort();
    });
  return controller.signal;
}
