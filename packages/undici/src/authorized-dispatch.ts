import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AccessToken, type AuthClient, isReplayableBody } from '@auth/core';
import type { Dispatcher } from 'undici';
import { withHeader } from './request-headers.js';

/** Bytes of a 401 body kept to hand on when the 401 is not retried; the rest is dropped. */
const MAX_HELD_BODY_BYTES = 64 * 1024;

/** A 401 answer kept back until the client says whether to retry. */
interface HeldResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  statusMessage: string | undefined;
  chunks: Buffer[];
  bytes: number;
}

/**
 * One request to a client origin, from the caller's point of view: wait for a token, dispatch with
 * it, and on a 401 report the token and dispatch once more. The caller's handler sees one
 * controller and one response for all of it.
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
  #retry = false;
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
      resume: () => this.#inner?.resume(),
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
      const { name, value } = this.#client.tokenHeader(token);
      const headers = withHeader(this.#options.headers, name, value);
      this.#dispatch({ ...this.#options, headers }, this);
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
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode === 401) {
      this.#held = { statusCode, headers, statusMessage, chunks: [], bytes: 0 };
      return;
    }
    // The token worked: a later 401 for it means it was revoked, and renews it at once.
    if (statusCode >= 200 && statusCode < 300) this.#client.acceptToken(this.#token as AccessToken);
    this.#handler.onResponseStart?.(this.#controller, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const held = this.#held;
    if (held === undefined) {
      this.#handler.onResponseData?.(this.#controller, chunk);
      return;
    }
    if (held.bytes + chunk.length <= MAX_HELD_BODY_BYTES) held.chunks.push(chunk);
    held.bytes += chunk.length;
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.#inner = undefined;
    const held = this.#held;
    if (held === undefined) {
      this.#done = true;
      this.#handler.onResponseEnd?.(this.#controller, trailers);
      return;
    }
    this.#held = undefined;
    this.#onUnauthorized(held, trailers).catch((error: unknown) => this.#fail(error));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#inner = undefined;
    this.#fail(error);
  }

  /** Reports the token; dispatches once more, or hands the 401 on. */
  async #onUnauthorized(held: HeldResponse, trailers: IncomingHttpHeaders): Promise<void> {
    const token = this.#token as AccessToken;
    const challenge = held.headers['www-authenticate'];
    const action = await this.#client.rejectToken(
      token,
      typeof challenge === 'string' ? challenge : null,
    );
    if (this.#done) return;
    const renewed = action === 'renewed' || action === 'stale';
    if (!this.#retry && renewed && isReplayableBody(this.#options.body as BodyInit | null)) {
      this.#retry = true;
      return this.#send();
    }
    this.#done = true;
    try {
      const handler = this.#handler;
      handler.onResponseStart?.(
        this.#controller,
        held.statusCode,
        held.headers,
        held.statusMessage,
      );
      for (const chunk of held.chunks) handler.onResponseData?.(this.#controller, chunk);
      handler.onResponseEnd?.(this.#controller, trailers);
    } catch (error) {
      this.#done = false;
      this.#fail(error);
    }
  }

  #abort(reason: Error): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#waiting.abort(reason);
    // A dispatch in flight reports the abort through onResponseError.
    if (this.#inner !== undefined) this.#inner.abort(reason);
    else this.#fail(reason);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const reason = error instanceof Error ? error : new Error(String(error));
    this.#handler.onResponseError?.(this.#controller, this.#reason ?? reason);
  }
}
