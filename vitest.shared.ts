import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests import workspace packages from source, so no build is needed between edits. */
export default defineConfig({
  resolve: {
    alias: {
      // Before '@auth/core', which would otherwise take '@auth/core/adapter' as a path below it.
      '@auth/core/adapter': fileURLToPath(
        new URL('./packages/core/src/adapter.ts', import.meta.url),
      ),
      '@auth/core/node': fileURLToPath(new URL('./packages/core/src/node.ts', import.meta.url)),
      '@auth/core': src('core'),
      '@auth/testing': src('testing'),
      '@auth/redis': src('redis'),
      '@auth/nestjs/http': fileURLToPath(new URL('./packages/nestjs/src/http.ts', import.meta.url)),
      '@auth/nestjs': src('nestjs'),
      '@auth/koa': src('koa'),
      '@auth/hono': src('hono'),
      '@auth/express': src('express'),
      '@auth/fastify': src('fastify'),
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
      fileURLToPath(new URL('./test-support/fresh-shared-tokens.ts', import.meta.url)),
    ],
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
