import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/redis/vitest.fleet.config.ts',
      'apps/*/vitest.config.ts',
      'docs/vitest.config.ts',
      'conformance/vitest.config.ts',
    ],
  },
});
