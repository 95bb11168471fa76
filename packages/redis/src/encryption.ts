import { createHash } from 'node:crypto';
import { AuthConfigError } from '@auth/core';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A 32-byte AES-256 key: raw bytes, or their base64 / base64url encoding (`openssl rand -base64 32`). */
export type EncryptionKey = string | Uint8Array;

/** The key id written beside a ciphertext: 12 hex digits of a SHA-256 of the key (reveals nothing of it). */
export function keyId(rawKey: Uint8Array): string {
  return createHash('sha256')
    .update('@auth/redis key id\0')
    .update(rawKey)
    .digest('hex')
    .slice(0, 12);
}

/** Raised when a stored value was not encrypted with this key (or was altered). */
export class DecryptionError extends Error {
  constructor() {
    super('stored value could not be decrypted (wrong encryptionKey, or the value was altered)');
    this.name = 'DecryptionError';
  }
}

/**
 * Decodes and checks an {@link EncryptionKey}. Throws {@link AuthConfigError} (whose message never
 * contains the key) unless it is exactly 32 bytes.
 */
export function parseEncryptionKey(key: unknown, option = 'encryptionKey'): Uint8Array {
  if (key instanceof Uint8Array) {
    if (key.byteLength !== KEY_BYTES) {
      throw new AuthConfigError(option, `must be ${KEY_BYTES} bytes, got ${key.byteLength}`);
    }
    return new Uint8Array(key);
  }
  if (typeof key === 'string') {
    const trimmed = key.trim();
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
      throw new AuthConfigError(option, `must be the base64 encoding of ${KEY_BYTES} random bytes`);
    }
    const bytes = new Uint8Array(Buffer.from(trimmed, 'base64'));
    if (bytes.byteLength !== KEY_BYTES) {
      throw new AuthConfigError(
        option,
        `must decode to ${KEY_BYTES} bytes, got ${bytes.byteLength} (generate one with \`openssl rand -base64 32\`)`,
      );
    }
    return bytes;
  }
  throw new AuthConfigError(option, 'must be a base64 string or a Uint8Array of 32 bytes');
}

/**
 * AES-256-GCM with Web Crypto (`globalThis.crypto.subtle`). Every value gets a fresh random 12-byte
 * IV; the Redis key is bound as additional authenticated data, so a value copied under another key
 * does not decrypt. The `CryptoKey` is imported once, non-extractable, and the raw bytes are wiped.
 *
 * Output format: `base64(iv ‖ ciphertext ‖ tag)`.
 */
export class TokenCipher {
  readonly #key: Promise<CryptoKey>;

  constructor(rawKey: Uint8Array) {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) {
      throw new AuthConfigError('encryptionKey', 'needs Web Crypto (globalThis.crypto.subtle)');
    }
    const copy = new Uint8Array(rawKey);
    this.#key = subtle
      .importKey('raw', copy, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
      .finally(() => copy.fill(0));
    // Surfaced on first use; never an unhandled rejection.
    this.#key.catch(() => {});
  }

  /** Encrypts `plaintext`, binding it to `context` (the Redis key). */
  async encrypt(plaintext: string, context: string): Promise<string> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
      await this.#key,
      encoder.encode(plaintext),
    );
    const out = new Uint8Array(IV_BYTES + sealed.byteLength);
    out.set(iv, 0);
    out.set(new Uint8Array(sealed), IV_BYTES);
    return Buffer.from(out).toString('base64');
  }

  /** Decrypts a value of {@link encrypt}; throws {@link DecryptionError} when it does not authenticate. */
  async decrypt(sealed: string, context: string): Promise<string> {
    const bytes = new Uint8Array(Buffer.from(sealed, 'base64'));
    if (bytes.byteLength < IV_BYTES + 16) throw new DecryptionError();
    try {
      const plain = await globalThis.crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: bytes.subarray(0, IV_BYTES),
          additionalData: encoder.encode(context),
        },
        await this.#key,
        bytes.subarray(IV_BYTES),
      );
      return decoder.decode(plain);
    } catch {
      throw new DecryptionError();
    }
  }

  toJSON(): Record<string, unknown> {
    return { algorithm: 'AES-256-GCM' };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'TokenCipher(AES-256-GCM)';
  }
}
