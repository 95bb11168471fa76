import type { ApiUnauthorizedEvent } from '@auth/core';
import { expect } from 'vitest';
import { LARGE_401_BYTES, type Recorded, TEXT_BODY } from './hostile-world.js';
import type { Call, Hosts, Outcome, TransportRow } from './transport.js';

/** What one case left behind: the outcome and what the servers, the flow and the events saw. */
export interface Seen {
  readonly outcome: Outcome;
  readonly api: readonly Recorded[];
  readonly other: readonly Recorded[];
  readonly tokenRequests: number;
  readonly events: readonly ApiUnauthorizedEvent[];
}

/**
 * One hostile case. Every case also runs the table's invariant: no server received a token
 * anywhere but at the API under its own name (`127.0.0.1:PORT`).
 */
export interface Case {
  readonly name: string;
  readonly call: Call;
  /** Revoke every token before the call (the cached one has worked: the warm-up call used it). */
  readonly revoke?: boolean;
  /** What must hold, besides the invariant. */
  check?(seen: Seen, row: TransportRow): void;
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;

/** Wrong origins by every URL trick: the call may fail or reach the other host, never with a token. */
function wrongOrigins({ apiHost, otherHost }: Hosts): Case[] {
  const apiPort = apiHost.split(':')[1];
  const urls: Record<string, string> = {
    'an absolute URL of another origin': `http://${otherHost}/steal`,
    'a scheme-relative //host URL': `//${otherHost}/steal`,
    'user-info that looks like the API': `http://${apiHost}@${otherHost}/steal`,
    'user and password before another host': `http://user:pass@${otherHost}/steal`,
    'backslashes for slashes': `http:\\\\${otherHost}\\steal`,
    'scheme-relative backslashes': `\\\\${otherHost}\\steal`,
    'an upper-case scheme': `HTTP://${otherHost}/steal`,
    'another host whose path names the API': `http://${otherHost}//${apiHost}/api/ok`,
    'localhost for 127.0.0.1': `http://localhost:${apiPort}/api/ok`,
    '[::1] for 127.0.0.1': `http://[::1]:${apiPort}/api/ok`,
    'another port': `http://${otherHost}/api/ok`,
  };
  return Object.entries(urls).map(([name, url]) => ({
    name: `wrong origin: ${name}`,
    call: { url },
  }));
}

/** Redirects across origins, of each status, with and without a body, and a loop. */
function redirects({ apiHost, otherHost }: Hosts): Case[] {
  const away = encodeURIComponent(`http://${otherHost}/landing`);
  const cases: Case[] = REDIRECT_STATUSES.flatMap((status) =>
    (['GET', 'POST'] as const).map((method) => ({
      name: `a cross-origin ${status} redirect of a ${method}`,
      call: {
        url: `redirect?status=${status}&to=${away}`,
        method,
        ...(method === 'POST' ? { body: 'text' as const } : {}),
      },
      check(seen: Seen, row: TransportRow) {
        if (!row.followsRedirects) expect(seen.outcome).toEqual({ status, bytes: 0 });
        else expect(seen.other.map((r) => r.url)).toEqual(['/landing']);
      },
    })),
  );
  const trick = encodeURIComponent(`http://${otherHost}//${apiHost}/api/ok`);
  const bounce = encodeURIComponent(
    `http://${otherHost}/redirect?to=${encodeURIComponent(`http://${apiHost}/api/ok`)}`,
  );
  cases.push(
    {
      name: 'a redirect to another host whose path names the API',
      call: { url: `redirect?status=302&to=${trick}` },
    },
    {
      name: 'a redirect through an open redirect and back',
      call: { url: `redirect?status=302&to=${bounce}` },
    },
    {
      name: 'a same-origin redirect keeps the token',
      call: {
        url: `redirect?status=307&to=${encodeURIComponent('/api/ok')}`,
        method: 'POST',
        body: 'text',
      },
      check(seen, row) {
        if (!row.followsRedirects) return;
        expect(seen.outcome).toMatchObject({ status: 200 });
        expect(seen.api.at(-1)?.body).toBe(TEXT_BODY);
      },
    },
    {
      name: 'a redirect loop ends',
      call: { url: 'loop' },
      check(seen, row) {
        // fetch stops at the 21st redirect, axios (follow-redirects) at the 22nd.
        expect(seen.api.length).toBeLessThanOrEqual(row.followsRedirects ? 22 : 1);
        if ('status' in seen.outcome) expect(seen.outcome.status).toBe(302);
      },
    },
  );
  return cases;
}

/** The 401 rule: renew a token that stopped working, never loop, hand other 401s on whole. */
const unauthorized: Case[] = [
  {
    name: '401 forever: one renewal, one retry, the 401 handed on',
    call: { url: 'always-401' },
    check(seen) {
      expect(seen.outcome).toEqual({ status: 401, bytes: 0 });
      expect(seen.api).toHaveLength(2);
      expect(seen.tokenRequests).toBe(1);
      expect(seen.events.map((e) => e.retried)).toEqual([true, false]);
    },
  },
  {
    name: `a ${LARGE_401_BYTES / 1024} KiB 401 after the retry reaches the caller whole`,
    call: { url: `always-401?size=${LARGE_401_BYTES}` },
    check(seen) {
      expect(seen.outcome).toEqual({ status: 401, bytes: LARGE_401_BYTES });
      expect(seen.api).toHaveLength(2);
    },
  },
  {
    name: `insufficient_scope with a ${LARGE_401_BYTES / 1024} KiB body: handed on whole, no renewal`,
    call: { url: 'scope' },
    check(seen) {
      expect(seen.outcome).toEqual({ status: 401, bytes: LARGE_401_BYTES });
      expect(seen.api).toHaveLength(1);
      expect(seen.tokenRequests).toBe(0);
      expect(seen.events).toMatchObject([{ action: 'ignored', retried: false }]);
    },
  },
  {
    name: 'a revoked token: renewed once, the call retried and answered 200',
    call: { url: 'ok' },
    revoke: true,
    check(seen) {
      expect(seen.outcome).toMatchObject({ status: 200 });
      expect(seen.api).toHaveLength(2);
      expect(seen.tokenRequests).toBe(1);
      expect(seen.events).toMatchObject([{ action: 'renewed', retried: true }]);
    },
  },
  ...(['text', 'form'] as const).map(
    (body): Case => ({
      name: `a revoked token with a ${body} body: retried with the whole body where bodies replay`,
      call: { url: 'ok', method: 'POST', body },
      revoke: true,
      check(seen, row) {
        if (!row.replaysBodies) {
          expect(seen.outcome).toMatchObject({ status: 401 });
          expect(seen.api).toHaveLength(1);
          expect(seen.events).toMatchObject([{ action: 'renewed', retried: false }]);
          return;
        }
        expect(seen.outcome).toMatchObject({ status: 200 });
        expect(seen.api).toHaveLength(2);
        expect(seen.tokenRequests).toBe(1);
        for (const request of seen.api) expect(request.body).toContain(TEXT_BODY);
        expect(seen.events).toMatchObject([{ action: 'renewed', retried: true }]);
      },
    }),
  ),
  {
    name: 'a revoked token with a stream body: the 401 handed on, the token dropped for the next call',
    call: { url: 'ok', method: 'POST', body: 'stream' },
    revoke: true,
    check(seen) {
      expect(seen.outcome).toMatchObject({ status: 401 });
      expect(seen.api).toHaveLength(1);
      expect(seen.events).toMatchObject([{ action: 'renewed', retried: false }]);
    },
  },
];

/** The whole table, for the world's hosts. */
export function hostileCases(hosts: Hosts): Case[] {
  return [...wrongOrigins(hosts), ...redirects(hosts), ...unauthorized];
}
