import { createHash } from 'node:crypto';
import type { StoredToken } from '@auth/core';
import { type KeyRing, PLAIN_KEY_ID } from './key-ring.js';

const VERSION = 't1';

/**
 * Why a stored entry cannot be used. Secret-free; also the `reason` of the store's unreadable
 * reports: `unknown-format` (not written by this store), `unknown-encryption-key` (written with a
 * key, or without encryption, that this instance does not have), `not-decryptable` (altered, or
 * copied from another Redis key), `not-a-token` (decrypted, but not a valid token record),
 * `no-ttl` (the entry never expires: not written by this store).
 */
export type UnreadableReason =
  | 'unknown-format'
  | 'unknown-encryption-key'
  | 'not-decryptable'
  | 'not-a-token'
  | 'no-ttl';

/** A stored value this instance cannot turn back into a token. */
export class UnreadableEntryError extends Error {
  readonly reason: UnreadableReason;
  /** The key id the entry was written with, when it names one (`'plain'` for a clear entry). */
  readonly keyId: string | undefined;

  constructor(reason: UnreadableReason, keyId?: string) {
    super(`stored entry unreadable: ${reason}`);
    this.name = 'UnreadableEntryError';
    this.reason = reason;
    this.keyId = keyId;
  }
}

/**
 * Non-secret fingerprint of an access token: hex SHA-256. Stored in clear beside the (possibly
 * encrypted) value so that compare-and-delete works in Lua without the encryption key.
 */
export function fingerprint(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('hex');
}

/** The clear prefix of an entry: `t1:<fingerprint>:`. `deleteIf` compares exactly this. */
export function entryHeader(accessToken: string): string {
  return `${VERSION}:${fingerprint(accessToken)}:`;
}

/** The clear header of a stored value (`t1:<fingerprint>:`), or the whole value if it has none. */
export function readHeader(value: string): string {
  const match = /^t1:[0-9a-f]{64}:/.exec(value);
  return match === null ? value : match[0];
}

/**
 * Serialises a token for Redis: `t1:<fingerprint>:p:<json>` without encryption, else
 * `t1:<fingerprint>:e:<key id>:<base64(iv ‖ ciphertext ‖ tag)>` with the key ring's first key.
 * `context` (the Redis key) is bound to the ciphertext.
 */
export async function encodeEntry(
  token: StoredToken,
  keys: KeyRing,
  context: string,
): Promise<string> {
  const json = JSON.stringify(token);
  const id = keys.primaryId;
  const cipher = keys.cipher(id);
  const body =
    cipher === undefined ? `p:${json}` : `e:${id}:${await cipher.encrypt(json, context)}`;
  return entryHeader(token.accessToken) + body;
}

/**
 * Parses a value written by {@link encodeEntry}; throws {@link UnreadableEntryError} for anything
 * else: another format, a key id (or clear/encrypted mode) this ring does not have, a value that
 * does not authenticate, or an invalid token.
 */
export async function decodeEntry(
  value: string,
  keys: KeyRing,
  context: string,
): Promise<StoredToken> {
  const match = /^t1:([0-9a-f]{64}):(?:p:|e:([0-9a-f]{12}):)/.exec(value);
  if (match === null) throw new UnreadableEntryError('unknown-format');
  const entryKeyId = match[2] ?? PLAIN_KEY_ID;
  if (!keys.ids.includes(entryKeyId)) {
    throw new UnreadableEntryError('unknown-encryption-key', entryKeyId);
  }
  const body = value.slice(match[0].length);
  const cipher = keys.cipher(entryKeyId);
  let json = body;
  if (cipher !== undefined) {
    try {
      json = await cipher.decrypt(body, context);
    } catch {
      throw new UnreadableEntryError('not-decryptable', entryKeyId);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UnreadableEntryError('not-a-token', entryKeyId);
  }
  const token = validateToken(parsed);
  if (token === undefined || fingerprint(token.accessToken) !== match[1]) {
    throw new UnreadableEntryError('not-a-token', entryKeyId);
  }
  return token;
}

function validateToken(value: unknown): StoredToken | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v.accessToken === 'string' &&
    v.accessToken !== '' &&
    typeof v.tokenType === 'string' &&
    Number.isFinite(v.issuedAt) &&
    Number.isFinite(v.expiresAt) &&
    (v.refreshToken === undefined || typeof v.refreshToken === 'string') &&
    (v.extras === undefined || (typeof v.extras === 'object' && v.extras !== null));
  return ok ? (v as unknown as StoredToken) : undefined;
}
