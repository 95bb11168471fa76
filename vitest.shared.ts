import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests import workspace packages from source, so no build is needed between edits. */
export default defineConfig({
  resolve: {
    alias: {
      '@auth/core': src('core'),
      '@auth/testing': src('testing'),
      '@auth/redis': src('redis'),
      '@auth/nestjs': src('nestjs'),
      '@auth/koa': src('koa'),
      '@auth/hono': src('hono'),
      '@auth/axios': src('axios'),
      '@auth/undici': src('undici'),
      '@auth/opentelemetry': src('opentelemetry'),
      '@auth/demo-config': fileURLToPath(
        new URL('./apps/demo-config/src/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    setupFiles: [
      fileURLToPath(new URL('./test-support/no-secret-output.ts', import.meta.url)),
      fileURLToPath(new URL('./test-support/no-process-warnings.ts', import.meta.url)),
    ],
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
