/** Where one request (or one redirect hop) goes. */
export interface RequestTarget {
  readonly url: URL;
  /** `url.href`: what `fetch` is given. */
  readonly href: string;
  /** Its origin is the base URL's or one of `allowedOrigins`: it may carry the token. */
  readonly tokenAllowed: boolean;
}

/** String inputs remembered per client; past this the memory is dropped and starts again. */
const MAX_REMEMBERED = 256;

/**
 * Resolves a client's request URLs against its base URL and says whether each may carry the
 * token. A string input's answer is remembered: a service calls the same few paths over and
 * over, and parsing a URL (then its origin) is the largest cost of a call on the client side.
 * Bounded by {@link MAX_REMEMBERED}, so a client that builds a new path for every call keeps
 * no more than that.
 */
export class RequestTargets {
  readonly #baseUrl: URL;
  readonly #tokenOrigins: ReadonlySet<string>;
  readonly #remembered = new Map<string, RequestTarget>();

  constructor(baseUrl: URL, tokenOrigins: ReadonlySet<string>) {
    this.#baseUrl = baseUrl;
    this.#tokenOrigins = tokenOrigins;
  }

  /** `input` resolved against the base URL. */
  resolve(input: string | URL): RequestTarget {
    if (typeof input !== 'string') return this.of(new URL(input, this.#baseUrl));
    let target = this.#remembered.get(input);
    if (target === undefined) {
      target = this.of(new URL(input, this.#baseUrl));
      if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.clear();
      this.#remembered.set(input, target);
    }
    return target;
  }

  /** The target of an absolute URL (a `Request`'s, a redirect's). */
  of(url: URL): RequestTarget {
    return { url, href: url.href, tokenAllowed: this.#tokenOrigins.has(url.origin) };
  }
}
