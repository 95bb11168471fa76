/**
 * The seven vendor presets against their emulators (real HTTP, one fake clock shared by the
 * emulators, the clients and the assertions they sign). Per vendor: a cold call, then 100
 * concurrent calls in each of 3 short lifetimes (0 failed, token requests counted at the
 * emulator); a revoked token renewed once; a wrong key or secret failing with a typed error that
 * prints no secret. The emulators check the assertions' signatures, claims and limits.
 */
import { inspect } from 'node:util';
import { createAuthClients, isAuthError } from '@auth/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectNoSecret } from './support/flow-request.js';
import { clock, LIFETIME, useVendorEmulators, VENDORS } from './support/vendor-cases.js';

const CALLERS = 100;
useVendorEmulators();

describe.each(Object.entries(VENDORS))('%s against its emulator', (_name, vendor) => {
  // Each case starts on the wall clock: proofs the engine dates itself (DPoP) stay in range.
  beforeEach(() => {
    clock.time = Date.now();
  });

  it('a cold call, then 100 concurrent calls in each of 3 lifetimes: 0 failed, 1 token per lifetime', async () => {
    const emulator = vendor.emulator();
    emulator.resetStats();
    const clients = createAuthClients({ vendor: vendor.options() });
    const cold = await clients.vendor.fetch(vendor.path);
    expect(cold.status).toBe(200);
    expect(await cold.json()).toEqual(vendor.data());
    expect(emulator.stats.tokenRequests).toBe(1);
    let failed = 0;
    for (let lifetime = 1; lifetime <= 3; lifetime++) {
      const statuses = await Promise.all(
        Array.from({ length: CALLERS }, () =>
          clients.vendor.fetch(vendor.path).then(
            (res) => res.status,
            () => 0,
          ),
        ),
      );
      failed += statuses.filter((status) => status !== 200).length;
      expect(emulator.stats.tokenRequests).toBe(lifetime);
      clock.advance((LIFETIME + 1) * 1000);
    }
    expect(failed).toBe(0);
    expect(emulator.stats.tokenRequests).toBeLessThanOrEqual(3 + 1);
    expect(emulator.stats.unauthorized).toBe(0);
  });

  it('a revoked token is renewed once', async () => {
    const emulator = vendor.emulator();
    const clients = createAuthClients({ vendor: vendor.options() });
    expect((await clients.vendor.fetch(vendor.path)).status).toBe(200);
    emulator.resetStats();
    emulator.revokeAll();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => clients.vendor.fetch(vendor.path).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(emulator.stats.tokenRequests).toBe(1);
    expect(emulator.stats.unauthorized).toBeGreaterThanOrEqual(1);
  });

  it('a wrong key or secret is a typed error with no secret in it', async () => {
    const { options, code, secrets } = vendor.wrong();
    const clients = createAuthClients({ vendor: options });
    const error = await clients.vendor.fetch(vendor.path).catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as { status?: number }).status).toBeGreaterThanOrEqual(400);
    expectNoSecret(secrets, error, clients.status(), options, inspect(clients));
  });
});
