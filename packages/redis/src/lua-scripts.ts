import { createHash } from 'node:crypto';

/** A Lua script with its SHA-1, run with `EVALSHA` (falling back to `EVAL` after a `NOSCRIPT`). */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
  readonly numberOfKeys: number;
}

function script(source: string, numberOfKeys: number): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex'), numberOfKeys };
}

/**
 * Compare-and-delete of a token entry. `ARGV[1]` is the entry's non-secret header
 * (`t1:<sha256 of the access token>:`); the entry is deleted only if it starts with it.
 * Returns `1` when deleted, `0` otherwise.
 */
export const DELETE_IF_FINGERPRINT = script(
  `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  1,
);

/**
 * Fenced release of a lease: deletes `KEYS[1]` only while it still holds this holder's fence
 * (`ARGV[1]`). Returns `1` when released, `0` when the lease expired or belongs to someone else.
 */
export const RELEASE_LEASE = script(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
  1,
);

/**
 * Lease acquisition that is also a compare: `SET KEYS[2] ARGV[1] NX PX ARGV[2]`, but only while the
 * entry `KEYS[1]` is still what this instance last read. `ARGV[3]` is the header it read
 * (`t1:<fingerprint>:`), `''` when it read no entry, `'*'` when it never read the key (no check).
 * Returns `1` when the lease is granted, `0` when another holder has it, `-1` when the entry
 * changed since the read (a peer just stored a token: adopt it instead of logging in again).
 * Both keys share a hash tag, so the script is valid on Redis Cluster.
 */
export const ACQUIRE_LEASE_IF_UNCHANGED = script(
  `if ARGV[3] ~= '*' then
  local v = redis.call('GET', KEYS[1])
  if v and string.sub(v, 1, string.len(ARGV[3])) ~= ARGV[3] then return -1 end
  if v and ARGV[3] == '' then return -1 end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`,
  2,
);
