import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, resetEmulators, startEmulators } from '../src/index.js';
import { loginRequest, PROVIDERS } from './helpers.js';

describe('resetEmulators', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators.close());

  it('clears every fault and zeroes every counter', async () => {
    for (const name of PROVIDERS) {
      const emulator = emulators[name];
      await fetch(emulator.tokenUrl, loginRequest(emulators, name));
      emulator.fault('error500');
      expect((await fetch(emulator.tokenUrl, loginRequest(emulators, name))).status).toBe(500);
      expect(emulator.stats.tokenAttempts).toBe(2);
    }
    resetEmulators(emulators);
    for (const emulator of emulators.all) {
      expect(emulator.stats).toMatchObject({ tokenRequests: 0, tokenAttempts: 0, apiCalls: 0 });
    }
    for (const name of PROVIDERS) {
      expect((await fetch(emulators[name].tokenUrl, loginRequest(emulators, name))).status).toBe(
        200,
      );
    }
    expect(emulators.opsramp.stats.tokensByTenant).toEqual({ client_1234: 1 });
  });
});
