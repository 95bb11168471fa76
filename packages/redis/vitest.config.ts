import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: '@auth/redis',
      globalSetup: ['test/redis-notice.ts'],
      // The fleet and restart scenarios measure timing with real processes; run files one at a time
      // so they do not compete with each other for the CPU.
      fileParallelism: false,
    },
  }),
);
