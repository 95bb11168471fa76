import { configDefaults, defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';
import { FLEET_FILES } from './vitest.fleet.config.js';

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: '@auth/redis',
      // The fleet scenarios are their own project (vitest.fleet.config.ts), run last and alone.
      exclude: [...configDefaults.exclude, ...FLEET_FILES],
      globalSetup: ['test/redis-notice.ts'],
      // The fleet and restart scenarios measure timing with real processes; run files one at a time
      // so they do not compete with each other for the CPU.
      fileParallelism: false,
    },
  }),
);
