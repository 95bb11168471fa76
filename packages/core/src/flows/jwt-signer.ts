import type { SignJWT } from 'jose';
import { AuthConfigError } from '../errors.js';
import { jose } from '../shared/jose.js';
import {
  algorithmFor,
  lazySigningKey,
  optionalAlgorithm,
  type PrivateKeyInput,
  requirePrivateKey,
} from '../shared/signing-key.js';
import {
  joinOptionKeys,
  type OptionKeys,
  optionalString,
  rejectUnknownOptions,
  requirePositive,
} from '../shared/validate-options.js';

/**
 * JWS header parameters that name an X.509 certificate (RFC 7515 §4.1.6-4.1.8): `x5t#S256` its
 * SHA-256 thumbprint, `x5t` its SHA-1 thumbprint, `x5c` the chain (base64 DER, leaf first).
 */
export type CertificateHeader = 'x5t#S256' | 'x5t' | 'x5c';

/** How to sign JWTs: the key and what the header names. Shared by signers and client assertions. */
export interface JwtKeyOptions {
  /** Signing key: a private JWK, a PKCS#8 PEM string or a `CryptoKey`. Never printed. */
  privateKey: PrivateKeyInput;
  /**
   * JWS algorithm. Default: the JWK's `alg`, else by the key's type, for a JWK, a PEM and a
   * `CryptoKey` alike (`RS256` for RSA, `ES256` for P-256, `ES384` for P-384, `ES512` for P-521,
   * `EdDSA` for Ed25519).
   */
  algorithm?: string;
  /** `kid` header. Default: the JWK's `kid`, else none. */
  keyId?: string;
  /**
   * The X.509 certificate of `privateKey` (PEM; a chain is several PEM blocks, leaf first). Not a
   * secret. The header then names it with `certificateHeaders` (Microsoft Entra ID wants
   * `x5t#S256`). Default: none.
   */
  certificate?: string;
  /** Header parameters that name `certificate`. Default `['x5t#S256']`. */
  certificateHeaders?: readonly CertificateHeader[];
}

/** Options of {@link jwtSigner}. */
export interface JwtSignerOptions extends JwtKeyOptions {
  /** Seconds from now to `exp`. Default `300`. */
  lifetimeSeconds?: number;
  /** Seconds to set `iat` (and `nbf`, when given) in the past, for servers with a slower clock. Default `0`. */
  backdateSeconds?: number;
  /** Clock, epoch ms. Default `Date.now`. Pass the client's `now` so that tests can use one clock. */
  now?: () => number;
}

/**
 * Signs a JWT with the given claims, adding `iat`, `exp` and a random `jti` (a claim given with
 * the same name wins over `jti`, never over `iat` / `exp`).
 */
export type JwtSigner = (claims: Readonly<Record<string, unknown>>) => Promise<string>;

const KEY_OPTION_KEYS = {
  privateKey: true,
  algorithm: true,
  keyId: true,
  certificate: true,
  certificateHeaders: true,
} satisfies OptionKeys<JwtKeyOptions>;

const SIGNER_OPTION_KEYS = /* @__PURE__ */ joinOptionKeys(KEY_OPTION_KEYS, {
  lifetimeSeconds: true,
  backdateSeconds: true,
  now: true,
}) satisfies OptionKeys<JwtSignerOptions>;

const CERTIFICATE_HEADERS: readonly CertificateHeader[] = ['x5t#S256', 'x5t', 'x5c'];

/** A validated {@link JwtKeyOptions}: the algorithm, and the header and key made on first use. */
export interface JwtKey {
  readonly algorithm: string;
  /** The protected header: `alg`, `typ: JWT`, `kid` and the certificate parameters. */
  header(): Promise<Record<string, unknown>>;
  /** The header parameters beyond `alg` and `kid` (the certificate's). */
  extraHeader(): Promise<Record<string, unknown>>;
  /** The imported signing key (fails with `CLIENT_KEY_INVALID`). */
  key(): Promise<CryptoKey>;
  readonly keyId: string | undefined;
}

/**
 * Validates key options (`prefix` names them in errors, e.g. `assertion.`) and prepares the key,
 * its algorithm and its header; nothing is imported or hashed before the first use.
 */
export function jwtKey(options: JwtKeyOptions, prefix = ''): JwtKey {
  const privateKey = requirePrivateKey(`${prefix}privateKey`, options.privateKey);
  const algorithm = algorithmFor(
    privateKey,
    optionalAlgorithm(`${prefix}algorithm`, options.algorithm),
  );
  const keyId =
    optionalString(`${prefix}keyId`, options.keyId) ??
    (typeof privateKey === 'object' && typeof (privateKey as { kid?: unknown }).kid === 'string'
      ? (privateKey as { kid: string }).kid
      : undefined);
  const certificate = certificateHeaders(options, prefix);
  const key = lazySigningKey(`${prefix}privateKey`, privateKey, algorithm);
  const header = async () => ({
    alg: algorithm,
    typ: 'JWT',
    ...(keyId === undefined ? {} : { kid: keyId }),
    ...(await certificate()),
  });
  return { algorithm, keyId, key, header, extraHeader: certificate };
}

/**
 * A JWT signer for vendors whose token request carries a JWT the flows do not build themselves
 * (GitHub's app JWT, a custom flow's assertion). Each call signs a fresh token.
 *
 * Defaults: `lifetimeSeconds: 300`, `backdateSeconds: 0`, algorithm by the key's type (`RS256`
 * for RSA, `ES256` for P-256, ...), header `{ alg, typ: 'JWT', kid? }` plus the certificate parameters when `certificate` is
 * given. Key problems fail the first signature with `CLIENT_KEY_INVALID` (never printing the key).
 *
 * @example
 * import { jwtSigner } from '@auth/core';
 * const sign = jwtSigner({ privateKey: pem, lifetimeSeconds: 540, backdateSeconds: 60 });
 * const appJwt = await sign({ iss: '123456' }); // GitHub App JWT: iat 60 s back, exp in 9 min
 */
export function jwtSigner(options: JwtSignerOptions): JwtSigner {
  rejectUnknownOptions(options, SIGNER_OPTION_KEYS);
  return signerFor(options, '');
}

/** {@link jwtSigner} without the unknown-option check, naming options with `prefix` in errors. */
export function signerFor(options: JwtSignerOptions, prefix: string): JwtSigner {
  const key = jwtKey(options, prefix);
  const lifetime = requirePositive(`${prefix}lifetimeSeconds`, options.lifetimeSeconds ?? 300);
  const backdate = options.backdateSeconds ?? 0;
  if (typeof backdate !== 'number' || !Number.isFinite(backdate) || backdate < 0) {
    throw new AuthConfigError(`${prefix}backdateSeconds`, 'must be a number ≥ 0');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new AuthConfigError(`${prefix}now`, 'must be a function');
  return async (claims) => {
    const seconds = Math.floor(now() / 1000);
    const { SignJWT } = await jose();
    return new SignJWT({ jti: crypto.randomUUID(), ...claims })
      .setProtectedHeader((await key.header()) as Parameters<SignJWT['setProtectedHeader']>[0])
      .setIssuedAt(seconds - backdate)
      .setExpirationTime(seconds + lifetime)
      .sign(await key.key());
  };
}

/** The certificate header parameters, computed once on first use. */
function certificateHeaders(
  options: JwtKeyOptions,
  prefix: string,
): () => Promise<Record<string, unknown>> {
  const pem = optionalString(`${prefix}certificate`, options.certificate);
  const names = options.certificateHeaders ?? ['x5t#S256'];
  if (!Array.isArray(names) || names.some((n) => !CERTIFICATE_HEADERS.includes(n))) {
    throw new AuthConfigError(
      `${prefix}certificateHeaders`,
      `must be a list of ${CERTIFICATE_HEADERS.join(', ')}`,
    );
  }
  if (pem === undefined) {
    if (options.certificateHeaders !== undefined) {
      throw new AuthConfigError(`${prefix}certificateHeaders`, 'needs "certificate"');
    }
    return async () => ({});
  }
  const chain = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)]
    .map((m) => (m[1] ?? '').replace(/\s+/g, ''))
    .filter((b64) => b64.length > 0);
  const leaf = chain[0];
  if (leaf === undefined) {
    throw new AuthConfigError(`${prefix}certificate`, 'must be a PEM X.509 certificate');
  }
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.from(atob(leaf), (c) => c.charCodeAt(0));
  } catch {
    throw new AuthConfigError(`${prefix}certificate`, 'must be a PEM X.509 certificate');
  }
  let computed: Promise<Record<string, unknown>> | undefined;
  return () => {
    computed ??= (async () => {
      const header: Record<string, unknown> = {};
      for (const name of names) {
        if (name === 'x5c') header.x5c = chain;
        else header[name] = await thumbprint(der, name === 'x5t' ? 'SHA-1' : 'SHA-256');
      }
      return header;
    })();
    return computed;
  };
}

async function thumbprint(
  der: Uint8Array<ArrayBuffer>,
  hash: 'SHA-1' | 'SHA-256',
): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, der));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
