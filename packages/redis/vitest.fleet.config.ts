import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** Fleets of real processes, a Cluster and a Sentinel, 10 × 50 callers for 30 s: they measure. */
export const FLEET_FILES = [
  'test/fleet.test.ts',
  'test/misconfigured-fleet.test.ts',
  'test/outage-fleet.test.ts',
  'test/failover.test.ts',
];

/**
 * The fleet scenarios run after every other project has finished (`groupOrder: 1`), one file at a
 * time, so that on a 2-core CI machine they never compete with the rest of the suite for the CPU.
 */
const config = mergeConfig(
  shared,
  defineProject({
    test: {
      name: '@auth/redis fleets',
      globalSetup: ['test/redis-notice.ts'],
      fileParallelism: false,
      sequence: { groupOrder: 1 },
      testTimeout: 120_000,
    },
  }),
);
// mergeConfig would add these files to the shared include list; the fleet project runs only them.
config.test = { ...config.test, include: FLEET_FILES };
export default config;
