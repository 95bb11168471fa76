import { AuthConfigError } from '@auth/core';
import { type EncryptionKey, keyId, parseEncryptionKey, TokenCipher } from './encryption.js';

/** The key id of entries stored in clear (no `encryptionKey`). */
export const PLAIN_KEY_ID = 'plain';

/**
 * The `encryptionKey` option: one key, or a list whose first key encrypts and all of which decrypt
 * (key rotation). Each key has a non-secret id ({@link keyId}) stored beside its ciphertexts.
 */
export class KeyRing {
  /** Key ids, the encrypting one first; `['plain']` without a key. */
  readonly ids: readonly string[];
  readonly #ciphers: ReadonlyMap<string, TokenCipher>;

  /** @throws {AuthConfigError} when a key is invalid, the list is empty, or a key appears twice. */
  constructor(option: EncryptionKey | readonly EncryptionKey[] | undefined) {
    if (option === undefined) {
      this.ids = [PLAIN_KEY_ID];
      this.#ciphers = new Map();
      return;
    }
    const list = Array.isArray(option) ? option : [option];
    if (list.length === 0) throw new AuthConfigError('encryptionKey', 'must not be an empty list');
    const ciphers = new Map<string, TokenCipher>();
    for (const [index, key] of list.entries()) {
      const name = Array.isArray(option) ? `encryptionKey[${index}]` : 'encryptionKey';
      const raw = parseEncryptionKey(key, name);
      const id = keyId(raw);
      if (ciphers.has(id)) throw new AuthConfigError(name, 'repeats an earlier key of the list');
      ciphers.set(id, new TokenCipher(raw));
      raw.fill(0);
    }
    this.ids = [...ciphers.keys()];
    this.#ciphers = ciphers;
  }

  /** Id of the key new entries are written with (`'plain'` without a key). */
  get primaryId(): string {
    return this.ids[0] as string;
  }

  /** The cipher of key `id`, or `undefined` (also for `'plain'`). */
  cipher(id: string): TokenCipher | undefined {
    return this.#ciphers.get(id);
  }

  toJSON(): Record<string, unknown> {
    return { keyIds: this.ids };
  }
}
