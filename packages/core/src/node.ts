/**
 * Node-only parts of `@auth/core`: mutual TLS (RFC 8705). Kept off the main entry so that the core
 * stays runtime-neutral (Deno, Bun, Workers, browsers import `@auth/core` without `node:` modules).
 *
 * @example
 * import { flows } from '@auth/core';
 * import { mutualTls } from '@auth/core/node';
 * const tls = mutualTls({ cert: clientCertPem, key: clientKeyPem, ca: serverCaPem });
 * const flow = flows.clientCredentials({ tokenUrl, clientId: 'svc', auth: 'tls_client_auth', tls });
 * // With certificate-bound tokens, API calls present the certificate too: `fetch: tls.fetch`.
 *
 * @packageDocumentation
 */
import { Agent } from 'undici';
import { AuthConfigError } from './errors.js';
import type { MutualTls } from './flows/oauth2/client-auth.js';

/** Options of {@link mutualTls}: PEM strings or buffers, as `node:tls` takes them. */
export interface MutualTlsOptions {
  /** Client certificate chain (PEM). */
  cert: string | Uint8Array;
  /** Client private key (PEM). Never printed. */
  key: string | Uint8Array;
  /** CA certificates trusted for the server, when not the system's (PEM). Default: Node's CA store. */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
}

/**
 * A mutual TLS transport: `fetch` over connections that present the client certificate. Pass it
 * as `tls` of an OAuth2 flow (`auth: 'tls_client_auth'` or `'self_signed_tls_client_auth'`), and
 * its `fetch` as the client's `fetch` when the server binds tokens to the certificate (RFC 8705
 * §3), so that API calls present the same certificate. Needs the `undici` package (Node only).
 *
 * @example
 * const tls = mutualTls({ cert, key, ca });
 * createAuthClients({ clients: { api: { baseUrl, fetch: tls.fetch, flow: flows.clientCredentials({
 *   tokenUrl, clientId: 'svc', auth: 'tls_client_auth', tls }) } } });
 */
export function mutualTls(options: MutualTlsOptions): MutualTls {
  for (const name of ['cert', 'key'] as const) {
    const value = options?.[name];
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new AuthConfigError(`tls.${name}`, 'must be a PEM string or buffer');
    }
  }
  const dispatcher = new Agent({
    connect: {
      cert: options.cert as string,
      key: options.key as string,
      ...(options.ca === undefined ? {} : { ca: options.ca as string[] }),
    },
  });
  const tlsFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, { ...init, dispatcher } as RequestInit)) as typeof fetch;
  return Object.freeze({
    fetch: tlsFetch,
    toJSON: () => ({ mutualTls: true }),
  });
}
