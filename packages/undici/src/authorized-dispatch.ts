import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccessToken, AuthClient } from '@auth/core';
import type { Dispatcher } from 'undici';
import { withHeader } from './request-headers.js';

/** A 401 answer kept back while the client decides whether to retry: headers, then what came. */
interface HeldResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly statusMessage: string | undefined;
  readonly chunks: Buffer[];
  /** Set when the response ended while the decision was pending. */
  trailers?: IncomingHttpHeaders;
  /** Set when the response failed while the decision was pending. */
  error?: Error;
}

/**
 * Where a 401 stands: `deciding` holds it (the dispatch paused) until the client's 401 rule
 * answers; `discarding` drops the rest of it before the retry; `passing` hands it on whole.
 */
type UnauthorizedState = 'deciding' | 'discarding' | 'passing';

/**
 * One request to a client origin, from the caller's point of view: wait for a token, dispatch with
 * it, and on a 401 ask the client's 401 rule (`client.unauthorized`) and dispatch once more when it
 * says so. The caller's handler sees one controller and one response for all of it.
 *
 * A 401 is held only while the rule decides (the dispatch is paused meanwhile, so what is held is
 * what had already arrived); a 401 handed on reaches the caller whole, whatever its size.
 */
export class AuthorizedDispatch implements Dispatcher.DispatchHandler {
  readonly #client: AuthClient;
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #options: Dispatcher.DispatchOptions;
  readonly #handler: Dispatcher.DispatchHandler;
  /** Aborts the wait for a token when the caller aborts. */
  readonly #waiting = new AbortController();
  /** The controller of the dispatch in flight, if any. */
  #inner: Dispatcher.DispatchController | undefined;
  #reason: Error | null = null;
  #done = false;
  #token: AccessToken | undefined;
  /** `true` once the request was dispatched again after a 401. */
  #retried = false;
  #unauthorized: UnauthorizedState | undefined;
  #held: HeldResponse | undefined;

  /** What the caller's handler gets: abort, pause and resume reach the dispatch in flight. */
  readonly #controller: Dispatcher.DispatchController;

  constructor(
    client: AuthClient,
    dispatch: Dispatcher.Dispatch,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ) {
    this.#client = client;
    this.#dispatch = dispatch;
    this.#options = options;
    this.#handler = handler;
    const call = this;
    this.#controller = {
      get aborted() {
        return call.#reason !== null;
      },
      get paused() {
        return call.#inner?.paused ?? false;
      },
      get reason() {
        return call.#reason;
      },
      abort: (reason) => this.#abort(reason),
      pause: () => this.#inner?.pause(),
      resume: () => {
        if (this.#unauthorized !== 'deciding') this.#inner?.resume();
      },
    };
  }

  /** Hands the caller its controller (so an abort works while the token is awaited), then sends. */
  start(): void {
    try {
      this.#handler.onRequestStart?.(this.#controller, {});
      void this.#send();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #send(): Promise<void> {
    try {
      const token = await this.#client.getToken({ signal: this.#waiting.signal });
      if (this.#done) return;
      this.#token = token;
      this.#unauthorized = undefined;
      this.#held = undefined;
      const { name, value } = this.#client.tokenHeader(token);
      const headers = withHeader(this.#options.headers, name, value);
      // A redirect interceptor composed inside this one would carry the token to the next hop
      // unchecked: a request with the token follows no redirect below this interceptor.
      const options = { ...this.#options, headers, maxRedirections: 0 };
      this.#dispatch(options as Dispatcher.DispatchOptions, this);
    } catch (error) {
      this.#fail(error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#inner = controller;
    if (this.#reason !== null) controller.abort(this.#reason);
  }

  onRequestUpgrade(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.#handler.onRequestUpgrade?.(this.#controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode !== 401) {
      if (statusCode >= 200 && statusCode < 300)
        this.#client.acceptToken(this.#token as AccessToken);
      this.#handler.onResponseStart?.(this.#controller, statusCode, headers, statusMessage);
      return;
    }
    const held: HeldResponse = { statusCode, headers, statusMessage, chunks: [] };
    this.#held = held;
    this.#unauthorized = 'deciding';
    controller.pause();
    void this.#decide(held);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#unauthorized === 'deciding') (this.#held as HeldResponse).chunks.push(chunk);
    else if (this.#unauthorized !== 'discarding')
      this.#handler.onResponseData?.(this.#controller, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.#inner = undefined;
    if (this.#unauthorized === 'deciding') {
      (this.#held as HeldResponse).trailers = trailers;
    } else if (this.#unauthorized === 'discarding') {
      void this.#send();
    } else {
      this.#done = true;
      this.#handler.onResponseEnd?.(this.#controller, trailers);
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#inner = undefined;
    if (this.#unauthorized === 'deciding') (this.#held as HeldResponse).error = error;
    else if (this.#unauthorized === 'discarding' && this.#reason === null) void this.#send();
    else this.#fail(error);
  }

  /** Asks the client's 401 rule; then dispatches once more, or hands the 401 on whole. */
  async #decide(held: HeldResponse): Promise<void> {
    const challenge = held.headers['www-authenticate'];
    const retry = await this.#client.unauthorized(this.#token as AccessToken, {
      challenge: typeof challenge === 'string' ? challenge : null,
      body: this.#options.body,
      retried: this.#retried,
    });
    if (this.#done || this.#held !== held) return;
    if (retry) {
      this.#retried = true;
      this.#unauthorized = 'discarding';
      held.chunks.length = 0;
      if (held.trailers !== undefined || held.error !== undefined) void this.#send();
      else this.#inner?.resume();
      return;
    }
    this.#unauthorized = 'passing';
    try {
      const handler = this.#handler;
      handler.onResponseStart?.(this.#controller, 401, held.headers, held.statusMessage);
      for (const chunk of held.chunks) handler.onResponseData?.(this.#controller, chunk);
      held.chunks.length = 0;
      if (held.error !== undefined) this.#fail(held.error);
      else if (held.trailers !== undefined) {
        this.#done = true;
        handler.onResponseEnd?.(this.#controller, held.trailers);
      } else this.#inner?.resume();
    } catch (error) {
      this.#fail(error);
    }
  }

  #abort(reason: Error): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#waiting.abort(reason);
    // A dispatch in flight reports the abort through onResponseError; a held 401 does not.
    if (this.#inner !== undefined && this.#unauthorized !== 'deciding') this.#inner.abort(reason);
    else this.#fail(reason);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const reason = this.#reason ?? (error instanceof Error ? error : new Error(String(error)));
    this.#inner?.abort(reason);
    this.#handler.onResponseError?.(this.#controller, reason);
  }
}
