import { randomUUID } from 'node:crypto';
import { TokenStoreError } from '@auth/core';
import type { KeyRing } from './key-ring.js';
import { ANNOUNCE_KEYS } from './lua-scripts.js';
import type { RedisConnection } from './redis-connection.js';

/** How long an instance's announcement lives without renewal, ms. */
export const ANNOUNCEMENT_TTL_MS = 15_000;
/**
 * An announcement older than this is renewed on the next store operation, ms. It is also how old
 * the vote that {@link FleetKeys.check} judges from may be: a change in the fleet's keys is noticed
 * within this time (at once on meeting an entry this instance cannot decrypt).
 */
export const RENEW_AFTER_MS = 5_000;

/**
 * Raised (code `TOKEN_STORE_MISCONFIGURED`) by an instance whose encrypting key the fleet does not
 * use: more live instances know another key id than know this instance's first key. Such an
 * instance neither reads nor writes shared entries, so it fails alone instead of knocking out the
 * instances whose key works.
 */
export class EncryptionKeyMismatchError extends TokenStoreError {
  /** Id of this instance's encrypting key (`'plain'` without `encryptionKey`). */
  readonly keyId: string;
  /** The key id most live instances know. */
  readonly fleetKeyId: string;

  constructor(keyId: string, fleetKeyId: string, known: number, live: number) {
    super(
      `this instance's encryptionKey (key id ${keyId}) is not the fleet's: ${known} of ${live} live instances know key id ${fleetKeyId}, which this instance does not use; fix its encryptionKey (see "Rotating the key" in the @auth/redis README)`,
      { code: 'TOKEN_STORE_MISCONFIGURED' },
    );
    this.name = 'EncryptionKeyMismatchError';
    this.keyId = keyId;
    this.fleetKeyId = fleetKeyId;
  }
}

/**
 * The key ids of the fleet's live instances, announced in Redis (`<prefix>fleet:keys`, a sorted
 * set whose members expire after {@link ANNOUNCEMENT_TTL_MS} unless renewed). They decide which
 * side of a key mismatch is wrong: an instance is *outvoted* when more live instances know some
 * key id than know its own encrypting key. Outvoted, it fails with
 * {@link EncryptionKeyMismatchError}; otherwise an entry it cannot read is repaired (overwritten by
 * the lease winner). On a tie nobody is outvoted.
 */
export class FleetKeys {
  readonly #connection: RedisConnection;
  readonly #redisKey: string;
  readonly #keys: KeyRing;
  readonly #member: string;
  readonly #monotonic: () => number;
  #renewedAt = Number.NEGATIVE_INFINITY;
  /** Key ids of the live instances at the last announcement, and when it was answered. */
  #vote: { live: string[][]; at: number } | undefined;

  /** `monotonic`: the clock of the renewal and vote ages, ms (default `performance.now`). */
  constructor(
    connection: RedisConnection,
    prefix: string,
    keys: KeyRing,
    monotonic: () => number = () => performance.now(),
  ) {
    this.#connection = connection;
    this.#monotonic = monotonic;
    this.#redisKey = `${prefix}fleet:keys`;
    this.#keys = keys;
    this.#member = `${randomUUID()} ${keys.ids.join(',')}`;
  }

  /** Renews this instance's announcement when it is due; never rejects (an outage is reported elsewhere). */
  keepAlive(): void {
    if (this.#monotonic() - this.#renewedAt < RENEW_AFTER_MS) return;
    this.#renewedAt = this.#monotonic();
    this.#announce().catch(() => {
      this.#renewedAt = Number.NEGATIVE_INFINITY;
    });
  }

  /**
   * Throws {@link EncryptionKeyMismatchError} when this instance is outvoted, judging from the last
   * announcement's answer while it is younger than {@link RENEW_AFTER_MS} (no Redis command), else
   * from a new one. `fresh`: always announce (an entry written with an unknown key was just met).
   */
  async check({ fresh = false }: { fresh?: boolean } = {}): Promise<void> {
    const vote = this.#vote;
    const live =
      !fresh && vote !== undefined && this.#monotonic() - vote.at < RENEW_AFTER_MS
        ? vote.live
        : await this.#announce();
    const counts = new Map<string, number>();
    for (const ids of live) for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const own = this.#keys.primaryId;
    let fleetKeyId = own;
    for (const [id, count] of counts) {
      if (count > (counts.get(fleetKeyId) ?? 0)) fleetKeyId = id;
    }
    if (fleetKeyId !== own) {
      throw new EncryptionKeyMismatchError(
        own,
        fleetKeyId,
        counts.get(fleetKeyId) ?? 0,
        live.length,
      );
    }
  }

  /** Removes this instance's announcement (on close). */
  async withdraw(): Promise<void> {
    await this.#connection.run('withdraw', (client) => client.zrem(this.#redisKey, this.#member));
  }

  async #announce(): Promise<string[][]> {
    const members = (await this.#connection.evalScript(
      'announce',
      ANNOUNCE_KEYS,
      [this.#redisKey],
      [this.#member, String(ANNOUNCEMENT_TTL_MS)],
    )) as string[];
    this.#renewedAt = this.#monotonic();
    const live = members.map((member) => (member.split(' ')[1] ?? '').split(','));
    this.#vote = { live, at: this.#renewedAt };
    return live;
  }
}
