/**
 * The origin an undici dispatch (`Dispatcher.DispatchOptions`) really connects to: its `origin`,
 * and nothing from its `path`. undici writes the `path` into the request line as it is, so an
 * absolute-form (`http://api.example/x`) or `//api.example/x` path sends the request to
 * `origin` all the same; resolving the path against the origin (as `new URL(path, origin)` does)
 * would name a host the request never reaches. `undefined` when `origin` is not a URL.
 *
 * Ask `client.mayReceiveToken(dispatchOrigin(options.origin))` before setting the token.
 *
 * @example
 * // { origin: 'http://other.example', path: '//api.example/x' } goes to other.example:
 * dispatchOrigin('http://other.example'); // URL http://other.example/
 */
export function dispatchOrigin(origin: string | URL | undefined | null): URL | undefined {
  if (origin instanceof URL) return new URL(origin.origin);
  if (typeof origin !== 'string' || !URL.canParse(origin)) return undefined;
  const url = new URL(origin);
  return url.origin === 'null' ? undefined : new URL(url.origin);
}
