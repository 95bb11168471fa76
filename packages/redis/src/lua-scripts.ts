import { createHash } from 'node:crypto';

/** A Lua script with its SHA-1, run with `EVAL` once per connection, then `EVALSHA`. */
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
 * Returns `0` when another holder has the lease (answered by the `SET` alone), `-1` when the entry
 * changed since the read (a peer just stored a token: adopt it instead of logging in again; the
 * lease just set is deleted), else `1` when the lease is granted and the entry is still what was
 * read (or `'*'`), `2` when it is granted and the entry read is gone (deleted or expired since).
 * Both keys share a hash tag, so the script is valid on Redis Cluster.
 */
export const ACQUIRE_LEASE_IF_UNCHANGED = script(
  `if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
if ARGV[3] == '*' then return 1 end
local v = redis.call('GET', KEYS[1])
if v and (ARGV[3] == '' or string.sub(v, 1, string.len(ARGV[3])) ~= ARGV[3]) then
  redis.call('DEL', KEYS[2])
  return -1
end
if not v and ARGV[3] ~= '' then return 2 end
return 1`,
  2,
);

/**
 * Announces an instance and lists the live ones. `KEYS[1]` is a sorted set of members
 * `<instance id> <key id>,<key id>...` scored by their expiry (Redis' own clock, so the hosts'
 * clocks do not matter). Adds or renews `ARGV[1]` for `ARGV[2]` ms, drops expired members and
 * returns the live ones.
 */
export const ANNOUNCE_KEYS = script(
  `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2 * ttl)
return redis.call('ZRANGE', KEYS[1], 0, -1)`,
  1,
);

/**
 * Writes back a token obtained during an outage, unless the entry already outlives it: sets
 * `KEYS[1]` to `ARGV[1]` with `PX ARGV[2]` when the key is missing, has no TTL, or its remaining
 * TTL is shorter. The entry that expires last is the token issued last, the one a
 * single-active-token provider still accepts, whatever order the instances write back in.
 * Returns `1` when written.
 */
export const SET_IF_LATER = script(
  `local ttl = redis.call('PTTL', KEYS[1])
if ttl >= 0 and ttl >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`,
  1,
);
