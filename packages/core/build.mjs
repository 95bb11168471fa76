// Build of @auth/core: each entry point (index, adapter, node) as one ESM module, with the code
// they share in one chunk, so that importing the package loads a few files instead of about 60
// (module loading, not our code, was most of the import time). Dependencies stay external.
// Declarations are emitted next to them by tsc (`pnpm run build`).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync(new URL('./dist/', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: import.meta.dirname,
  entryPoints: ['src/index.ts', 'src/adapter.ts', 'src/node.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'shared-[hash]',
  format: 'esm',
  platform: 'neutral',
  target: 'es2023',
  packages: 'external',
  sourcemap: true,
  legalComments: 'none',
  // Top-level `Object.freeze({...})` (flows, presets, defaults) marked pure in the output, so that an
  // app's bundler drops the ones the app does not use.
  pure: ['Object.freeze'],
  logLevel: 'warning',
});
