import type { UnauthorizedAction } from '../observability/events.js';
import { withDeadline } from '../shared/deadline.js';
import type { EntryEvents } from './entry-events.js';
import type { FleetLease } from './fleet-lease.js';
import type { AccessToken } from './token.js';
import type { Entry } from './token-entries.js';
import {
  type BackoffOptions,
  type RefreshOptions,
  refreshPoint,
  unauthorizedInterval,
} from './token-timing.js';

/** What {@link UnauthorizedBudget} needs from the manager. */
export interface UnauthorizedBudgetOptions {
  monotonic: () => number;
  backoff: BackoffOptions | undefined;
  refresh: RefreshOptions | undefined;
  fleet: FleetLease;
  events: EntryEvents;
}

const ignore = () => {};

/**
 * How many token requests 401 answers may cost: a token obtained because of a 401 that gets a
 * 401 again within the interval ({@link unauthorizedInterval}) and never had a 2xx answer is
 * kept, so that a misconfigured API cannot turn every call into a token request. A token that had
 * a 2xx answer is renewed at once. A contest (a token revoked before its first 2xx, less than the
 * first interval after a token that worked was revoked: another process logs in with the same
 * credentials on a provider with one active token) is renewed one first interval after the token
 * arrived, and callers wait for it: a contest costs waits, not failed calls.
 */
export class UnauthorizedBudget {
  readonly #options: UnauthorizedBudgetOptions;

  constructor(options: UnauthorizedBudgetOptions) {
    this.#options = options;
  }

  /** The decision on an `invalid_token` 401 for `token` (see `TokenManager.reject`). Never throws. */
  async reject(entry: Entry, token: AccessToken): Promise<UnauthorizedAction> {
    if (entry.token?.accessToken !== token.accessToken) return 'stale';
    const age = this.#options.monotonic() - entry.tokenAt;
    const interval = unauthorizedInterval(entry.unauthorizedRenewals, this.#options.backoff);
    const proven = entry.proven?.accessToken === token.accessToken;
    if (!proven && entry.unauthorizedRenewals > 0 && age < interval) {
      // No new request; but a peer may have stored a newer token, or be getting one (its login
      // revoked this one), and adopting that costs the endpoint nothing.
      if (await this.#adoptPeerToken(entry, token)) return 'stale';
      const first = unauthorizedInterval(0, this.#options.backoff);
      if (this.#options.monotonic() - entry.revokedAt >= first) return 'limited';
      // Revoked again moments after a token that worked was: a peer logging in with the same
      // credentials, not a broken config. Callers wait for a renewal one first interval after
      // this token arrived.
      entry.renewAt = entry.tokenAt + first;
    } else if (proven) {
      // A token that worked: renewed at once, and this 401 starts a new series.
      entry.unauthorizedRenewals = 0;
      entry.revokedAt = this.#options.monotonic();
    } else if (age >= 2 * interval) {
      entry.unauthorizedRenewals = 0; // served well for a while: a new series
    }
    entry.token = undefined;
    entry.pendingReason = 'rejected';
    try {
      await entry.store.deleteIf(await entry.key, token.accessToken);
    } catch (cause) {
      this.#options.events.storeFailure(entry, cause, { fallback: true });
    }
    return 'renewed';
  }

  /** The API answered 2xx to a request that carried `token`: it works (if still current). */
  confirm(entry: Entry, token: AccessToken): void {
    if (entry.token === token) entry.proven = token;
  }

  /**
   * After a limited 401, whether a token other than `rejected` is current now, without a token
   * request: this instance's own renewal in flight, else the fleet's token when the store holds a
   * valid one or gets one soon (a peer holds the lease: its login is in flight). Each wait lasts at
   * most the first backoff interval. Never throws. Concurrent 401s of the same token share one
   * search.
   */
  async #adoptPeerToken(entry: Entry, rejected: AccessToken): Promise<boolean> {
    let adopting = entry.adopting;
    if (adopting?.rejected !== rejected.accessToken) {
      const done = this.#searchPeerToken(entry, rejected)
        .catch(() => false)
        .finally(() => {
          if (entry.adopting === adopting) entry.adopting = undefined;
        });
      adopting = { rejected: rejected.accessToken, done };
      entry.adopting = adopting;
    }
    return adopting.done;
  }

  async #searchPeerToken(entry: Entry, rejected: AccessToken): Promise<boolean> {
    const replaced = () => entry.token?.accessToken !== rejected.accessToken;
    const waitMs = unauthorizedInterval(0, this.#options.backoff);
    if (entry.inflight !== undefined) await withDeadline(entry.inflight, waitMs).catch(ignore);
    if (replaced()) return true;
    await this.#withdraw(entry, rejected);
    const found = await this.#options.fleet.probe(entry, { stale: rejected.accessToken, waitMs });
    if (replaced()) return true;
    if (found === undefined) return false;
    entry.token = found.token;
    entry.last = found.token;
    entry.refreshAt = refreshPoint(found.token.toRecord(), this.#options.refresh);
    return true;
  }

  /**
   * Deletes `rejected` from the store (once per token) while this entry keeps it for the 401
   * budget: the API refused it, so no peer should adopt it, and a store that kept it while its
   * backend was down must not write it back (it would replace the fleet's valid token).
   */
  async #withdraw(entry: Entry, rejected: AccessToken): Promise<void> {
    if (entry.withdrawn?.accessToken === rejected.accessToken) return;
    entry.withdrawn = rejected;
    try {
      await entry.store.deleteIf(await entry.key, rejected.accessToken);
    } catch (cause) {
      this.#options.events.storeFailure(entry, cause, { fallback: true });
    }
  }
}
