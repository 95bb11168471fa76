/**
 * Private keys given as a JWK, a PKCS#8 PEM or a `CryptoKey`, imported once (lazily, on the first
 * token request) into a signing `CryptoKey`, and the JWS algorithm that goes with a key.
 */
import type { JWK } from 'jose';
import { AuthConfigError, AuthError } from '../errors.js';
import { jose } from './jose.js';

/** A private key: a JWK object, a PKCS#8 PEM string (`-----BEGIN PRIVATE KEY-----`) or a `CryptoKey`. */
export type PrivateKeyInput = CryptoKey | JsonWebKey | string;

/** JWS algorithms accepted for signatures with a private key. */
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Checks the shape of a private key option (the import itself happens on first use). */
export function requirePrivateKey(option: string, value: unknown): PrivateKeyInput {
  if (typeof value === 'string' && value.includes('-----BEGIN PRIVATE KEY-----')) return value;
  if (isCryptoKey(value)) {
    if (value.type !== 'private') throw new AuthConfigError(option, 'must be a private key');
    return value;
  }
  if (typeof value === 'object' && value !== null && typeof (value as JWK).kty === 'string') {
    if (typeof (value as JWK).d !== 'string') {
      throw new AuthConfigError(option, 'must be a private JWK (it has no "d")');
    }
    return value as JsonWebKey;
  }
  throw new AuthConfigError(option, 'must be a private JWK, a PKCS#8 PEM string or a CryptoKey');
}

/** `undefined` or one of the asymmetric JWS algorithms. */
export function optionalAlgorithm(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ASYMMETRIC.includes(value)) {
    throw new AuthConfigError(option, `must be one of ${ASYMMETRIC.join(', ')}`);
  }
  return value;
}

/**
 * The JWS algorithm for a key: `algorithm` when given, else the JWK's `alg`, else by key type,
 * for a JWK, a `CryptoKey` and a PKCS#8 PEM alike: RSA `RS256`, EC `ES256` /
 * `ES384` / `ES512` by curve (P-256, P-384, P-521), Ed25519 `EdDSA`. A key of another type is
 * taken as RSA (its import then fails with `CLIENT_KEY_INVALID`).
 */
export function algorithmFor(key: PrivateKeyInput, algorithm: string | undefined): string {
  if (algorithm !== undefined) return algorithm;
  if (typeof key === 'string') return pemAlgorithm(key) ?? 'RS256';
  if (isCryptoKey(key)) {
    const spec = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
    if (spec.name === 'ECDSA')
      return `ES${spec.namedCurve === 'P-521' ? 512 : spec.namedCurve?.slice(2)}`;
    if (spec.name === 'Ed25519') return 'EdDSA';
    const bits = spec.hash?.name.slice(4) ?? '256';
    return spec.name === 'RSA-PSS' ? `PS${bits}` : `RS${bits}`;
  }
  const jwk = key as JWK;
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'EC') return `ES${jwk.crv === 'P-521' ? 512 : (jwk.crv ?? 'P-256').slice(2)}`;
  if (jwk.kty === 'OKP') return 'EdDSA';
  return 'RS256';
}

/** DER bytes (hex) of the key-type and curve object identifiers of a PKCS#8 key. */
const KEY_TYPES: Readonly<Record<string, string>> = {
  '2a864886f70d010101': 'RS256', // rsaEncryption
  '2b6570': 'EdDSA', // Ed25519
};
const EC_KEY = '2a8648ce3d0201'; // id-ecPublicKey
const EC_CURVES: Readonly<Record<string, string>> = {
  '2a8648ce3d030107': 'ES256', // P-256
  '2b81040022': 'ES384', // P-384
  '2b81040023': 'ES512', // P-521
};
const OBJECT_IDENTIFIER = 0x06;

/**
 * The algorithm for the key type of a PKCS#8 PEM, read from its `AlgorithmIdentifier` (RFC 5958:
 * `SEQUENCE { INTEGER version, SEQUENCE { OID type, parameters } , ... }`, the curve OID as EC
 * parameters). `undefined` when the PEM cannot be read so far.
 */
function pemAlgorithm(pem: string): string | undefined {
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
  const info = readTlv(der, 0); // PrivateKeyInfo
  const version = info && readTlv(der, info.start);
  const identifier = version && readTlv(der, version.end);
  const type = identifier && readTlv(der, identifier.start);
  if (type === undefined || type.tag !== OBJECT_IDENTIFIER) return undefined;
  const oid = hex(der.subarray(type.start, type.end));
  if (oid !== EC_KEY) return KEY_TYPES[oid];
  const curve = readTlv(der, type.end);
  return curve?.tag === OBJECT_IDENTIFIER
    ? EC_CURVES[hex(der.subarray(curve.start, curve.end))]
    : undefined;
}

/** One DER tag-length-value at `offset`: its tag and where its content starts and ends. */
function readTlv(
  der: Uint8Array,
  offset: number,
): { tag: number; start: number; end: number } | undefined {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) return undefined;
  let start = offset + 2;
  if (length > 0x80) {
    const bytes = length - 0x80;
    if (bytes > 4) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Imports `key` for signing with `algorithm`, once; a key that cannot be imported fails every
 * token request with `CLIENT_KEY_INVALID` (the key itself is never printed).
 */
export function lazySigningKey(
  option: string,
  key: PrivateKeyInput,
  algorithm: string,
): () => Promise<CryptoKey> {
  let imported: Promise<CryptoKey> | undefined;
  return () => {
    imported ??= importSigningKey(key, algorithm).catch((cause: unknown) => {
      const reason = cause instanceof Error ? cause.name : 'unknown error';
      throw new AuthError(
        'CLIENT_KEY_INVALID',
        `Option "${option}" cannot be used to sign ${algorithm} (${reason})`,
      );
    });
    return imported;
  };
}

async function importSigningKey(key: PrivateKeyInput, algorithm: string): Promise<CryptoKey> {
  // A CryptoKey carries its own algorithm (openid-client signs with it).
  if (isCryptoKey(key)) return key;
  const { importJWK, importPKCS8 } = await jose();
  const imported =
    typeof key === 'string'
      ? await importPKCS8(key, algorithm)
      : await importJWK({ ...(key as JWK), alg: algorithm }, algorithm);
  if (!isCryptoKey(imported)) throw new TypeError('not an asymmetric key');
  return imported;
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}
