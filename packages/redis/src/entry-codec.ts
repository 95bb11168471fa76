import { createHash } from 'node:crypto';
import type { StoredToken } from '@auth/core';
import type { TokenCipher } from './encryption.js';

const VERSION = 't1';
const PLAIN = 'p:';
const ENCRYPTED = 'e:';

/** Why a stored value could not be turned back into a token. */
export class EntryFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'EntryFormatError';
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
 * Serialises a token for Redis: `t1:<fingerprint>:p:<json>` or, with a cipher,
 * `t1:<fingerprint>:e:<base64(iv ‖ ciphertext ‖ tag)>`. `context` (the Redis key) is bound to the
 * ciphertext.
 */
export async function encodeEntry(
  token: StoredToken,
  cipher: TokenCipher | undefined,
  context: string,
): Promise<string> {
  const json = JSON.stringify(token);
  const body =
    cipher === undefined ? PLAIN + json : ENCRYPTED + (await cipher.encrypt(json, context));
  return entryHeader(token.accessToken) + body;
}

/**
 * Parses a value written by {@link encodeEntry}. Throws {@link EntryFormatError} for a value of
 * another format, an encrypted value without a cipher (or the reverse), or an invalid token, and
 * `DecryptionError` when the cipher's key does not match.
 */
export async function decodeEntry(
  value: string,
  cipher: TokenCipher | undefined,
  context: string,
): Promise<StoredToken> {
  const match = /^t1:([0-9a-f]{64}):(p|e):/.exec(value);
  if (match === null) throw new EntryFormatError('stored value has an unknown format');
  const body = value.slice(match[0].length);
  let json: string;
  if (match[2] === 'e') {
    if (cipher === undefined) {
      throw new EntryFormatError('stored value is encrypted but no encryptionKey is configured');
    }
    json = await cipher.decrypt(body, context);
  } else {
    if (cipher !== undefined) {
      throw new EntryFormatError(
        'stored value is not encrypted but an encryptionKey is configured',
      );
    }
    json = body;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new EntryFormatError('stored value is not valid JSON');
  }
  const token = validateToken(parsed);
  if (fingerprint(token.accessToken) !== match[1]) {
    throw new EntryFormatError('stored value does not match its fingerprint');
  }
  return token;
}

function validateToken(value: unknown): StoredToken {
  if (typeof value !== 'object' || value === null) throw new EntryFormatError('not a token record');
  const v = value as Record<string, unknown>;
  const ok =
    typeof v.accessToken === 'string' &&
    v.accessToken !== '' &&
    typeof v.tokenType === 'string' &&
    Number.isFinite(v.issuedAt) &&
    Number.isFinite(v.expiresAt) &&
    (v.refreshToken === undefined || typeof v.refreshToken === 'string') &&
    (v.extras === undefined || (typeof v.extras === 'object' && v.extras !== null));
  if (!ok) throw new EntryFormatError('stored value is not a valid token record');
  return v as unknown as StoredToken;
}
