/**
 * DPoP (RFC 9449): a key pair per client, a fresh proof JWT per request (`htm`, `htu`, `iat`,
 * `jti`, and `ath` on API calls), the server's nonces remembered per origin, and the key's JWK
 * thumbprint (part of the token cache key: a DPoP-bound token is useless without its key).
 */
import type { JWK } from 'jose';
import { AuthConfigError, AuthError } from '../errors.js';
import { jose } from '../shared/jose.js';
import { algorithmFor } from '../shared/signing-key.js';

/** A DPoP key pair (`CryptoKey`s; the private one may be non-extractable). */
export interface DPoPKeyPair {
  /** Signs the proofs. Never printed. */
  readonly privateKey: CryptoKey;
  /** Sent in every proof's header. */
  readonly publicKey: CryptoKey;
}

/**
 * DPoP for an OAuth2 flow, made by {@link dpopKey}: pass it as `dpop`. It holds the proof signing,
 * which a client without DPoP never bundles.
 */
export interface DPoPKey {
  /** A prover for one client: its key pair (generated per client when none was given) and nonces. */
  prover(): DPoPProver;
}

/**
 * `dpop` option of the OAuth2 flows: `dpopKey()` or `dpopKey({ privateKey, publicKey })`. The
 * `flows` namespace also takes the shorthands `true` (= `dpopKey()`) and a key pair. Without a
 * key pair, each client generates an ES256 key pair of its own (so each instance of a fleet has
 * its own key, and its own token); a key pair shared by every instance lets them share one token
 * through a shared store. Default `false`.
 */
export type DPoPOption = boolean | DPoPKeyPair | DPoPKey;

const encoder = /* @__PURE__ */ new TextEncoder();

/** Signs DPoP proofs with one key pair and remembers server nonces per origin. */
export class DPoPProver {
  readonly #keys: Promise<{ privateKey: CryptoKey; jwk: JWK; alg: string; thumbprint: string }>;
  readonly #nonces = new Map<string, string>();

  constructor(keys: DPoPKeyPair | undefined) {
    this.#keys = (async () => {
      const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await jose();
      const pair = keys ?? (await generateKeyPair('ES256'));
      const full = await exportJWK(pair.publicKey);
      const jwk: JWK = { kty: full.kty, crv: full.crv, x: full.x, y: full.y, e: full.e, n: full.n };
      const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
      return {
        privateKey: pair.privateKey,
        jwk,
        alg: algorithmFor(pair.privateKey, undefined),
        thumbprint,
      };
    })();
    // A bad key pair fails the first proof, where the error is typed; no unhandled rejection here.
    this.#keys.catch(() => {});
  }

  /** The JWK SHA-256 thumbprint of the public key (`cnf.jkt` of bound tokens). */
  async thumbprint(): Promise<string> {
    return (await this.#load()).thumbprint;
  }

  /** A proof for one request; `accessToken` adds `ath` (API calls). */
  async proof(method: string, url: URL, accessToken?: string): Promise<string> {
    const { privateKey, jwk, alg } = await this.#load();
    const { base64url, SignJWT } = await jose();
    const claims: Record<string, string> = {
      htm: method,
      htu: `${url.origin}${url.pathname}`,
      jti: crypto.randomUUID(),
    };
    const nonce = this.#nonces.get(url.origin);
    if (nonce !== undefined) claims.nonce = nonce;
    if (accessToken !== undefined) {
      const digest = await crypto.subtle.digest('SHA-256', encoder.encode(accessToken));
      claims.ath = base64url.encode(new Uint8Array(digest));
    }
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk })
      .setIssuedAt()
      .sign(privateKey);
  }

  /**
   * Remembers the `DPoP-Nonce` of a response from `url`'s origin. Returns `true` when the proof
   * sent with `sentNonce` would now go out with another nonce: a request refused for
   * `use_dpop_nonce` may then be sent once more (RFC 9449 §8, §9).
   */
  rememberNonce(url: URL, headers: Headers, sentNonce: string | undefined): boolean {
    const nonce = headers.get('dpop-nonce');
    if (nonce !== null) this.#nonces.set(url.origin, nonce);
    const current = this.#nonces.get(url.origin);
    return current !== undefined && current !== sentNonce;
  }

  /** The nonce the next proof for `url` carries, if any. */
  nonceFor(url: URL): string | undefined {
    return this.#nonces.get(url.origin);
  }

  async #load() {
    try {
      return await this.#keys;
    } catch (cause) {
      throw new AuthError('CLIENT_KEY_INVALID', 'the DPoP key pair cannot sign proofs', {
        cause: cause instanceof Error ? new Error(cause.name) : undefined,
      });
    }
  }

  /** Safe description: never the key. */
  toJSON(): Record<string, unknown> {
    return { dpop: true };
  }
}

/**
 * DPoP (RFC 9449) for an OAuth2 flow: tokens come back bound to the key, and API calls carry
 * `Authorization: DPoP …` and a fresh proof. Without `pair`, each client that uses it generates an
 * ES256 key pair of its own; with `pair` (`CryptoKey`s), every client and every instance sharing
 * it can share one token through a shared store.
 *
 * @example
 * import { clientCredentials, dpopKey } from '@auth/core';
 * const flow = clientCredentials({ tokenUrl, clientId, clientSecret, dpop: dpopKey() });
 */
export function dpopKey(pair?: DPoPKeyPair): DPoPKey {
  if (pair !== undefined) requireKeyPair(pair);
  return Object.freeze({
    prover: () => new DPoPProver(pair),
    toJSON: () => ({ dpop: true }),
  });
}

/** A `{ privateKey, publicKey }` pair of `CryptoKey`s, or an `AuthConfigError` for `dpop`. */
function requireKeyPair(value: unknown): void {
  const pair = value as Partial<DPoPKeyPair> | null;
  if (
    typeof pair !== 'object' ||
    pair === null ||
    !(pair.privateKey instanceof CryptoKey) ||
    !(pair.publicKey instanceof CryptoKey) ||
    pair.privateKey.type !== 'private' ||
    pair.publicKey.type !== 'public'
  ) {
    throw new AuthConfigError(
      'dpop',
      'must be true, dpopKey() or a { privateKey, publicKey } pair of CryptoKeys',
    );
  }
}
