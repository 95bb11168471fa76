import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Case, hostileCases, type Seen } from './cases.js';
import { type HostileWorld, startHostileWorld } from './hostile-world.js';
import type { Outcome, Transport, TransportRow } from './transport.js';
import { authClientFetch } from './transports/auth-client-fetch.js';
import { axiosFetch, axiosHttp } from './transports/axios.js';
import { expressRow } from './transports/express.js';
import { fastify } from './transports/fastify.js';
import { hono } from './transports/hono.js';
import { koa } from './transports/koa.js';
import { nestjs } from './transports/nestjs.js';
import { undiciRows } from './transports/undici.js';

/**
 * One table of hostile cases (cases.ts) through every transport and adapter (transports/): a new
 * one gets the whole table by adding its row here. Each case runs with a cached token that has
 * worked, under both the default `authorization` header and a custom one.
 */
const ROWS: TransportRow[] = [
  authClientFetch,
  axiosHttp,
  axiosFetch,
  ...undiciRows,
  koa,
  hono,
  expressRow,
  fastify,
  nestjs,
];

let world: HostileWorld;
beforeAll(async () => {
  world = await startHostileWorld();
});
afterAll(() => world?.close());

/** The hosts are known once the world runs; the table's names do not depend on them. */
const NAMES = hostileCases({ apiHost: '127.0.0.1:1', otherHost: '127.0.0.1:2' }).map((c) => c.name);

describe.each(['authorization', 'x-api-key'])('token header %s', (header) => {
  describe.each(ROWS)('$name', (row) => {
    let transport: Transport;
    let registry: ReturnType<HostileWorld['registry']>;
    let cases: Map<string, Case>;

    beforeAll(async () => {
      registry = world.registry(header);
      const hosts = { apiHost: world.apiHost, otherHost: world.otherHost };
      cases = new Map(hostileCases(hosts).map((c) => [c.name, c]));
      transport = await row.start(registry.clients, hosts);
    });
    afterAll(async () => {
      await transport?.close();
      await registry?.clients.close();
    });

    it.each(NAMES)('%s', async (name) => {
      const hostile = cases.get(name) as Case;
      const seen = await run(() => transport.send(hostile.call), hostile.revoke);
      hostile.check?.(seen, row);
    });

    /** Sends one call after a warm-up that proves the token works, and records what it did. */
    async function run(send: () => Promise<Outcome>, revoke = false): Promise<Seen> {
      expect(await transport.send({ url: 'ok' }), 'the warm-up call').toMatchObject({
        status: 200,
      });
      if (revoke) world.revokeAll();
      world.received.length = 0;
      const tokenRequests = world.tokenRequests();
      const events = registry.events;
      events.length = 0;
      const outcome = await send();
      const seen: Seen = {
        outcome,
        api: world.received.filter((r) => r.server === 'api'),
        other: world.received.filter((r) => r.server === 'other'),
        tokenRequests: world.tokenRequests() - tokenRequests,
        events: [...events],
      };
      expect(world.leaks(), JSON.stringify(outcome)).toEqual([]);
      return seen;
    }

    it('tricks of its own: no token to another origin', async () => {
      for (const [name, trick] of Object.entries(transport.tricks ?? {})) {
        await run(trick);
        expect(world.leaks(), name).toEqual([]);
      }
    });
  });
});
