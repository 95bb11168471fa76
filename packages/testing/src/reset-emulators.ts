import type { Emulators } from './start-emulators.js';

/**
 * Clears every emulator's fault and zeroes its counters, so that the next test starts clean
 * while the servers (and the tokens they issued) keep running.
 *
 * @example
 * afterEach(() => resetEmulators(emulators));
 */
export function resetEmulators(emulators: Pick<Emulators, 'all'>): void {
  for (const emulator of emulators.all) {
    emulator.fault(null);
    emulator.resetStats();
  }
}
