import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('CommonJS consumers', () => {
  it('can require() the built package on Node 20.19+', () => {
    expect(existsSync(`${packageDir}/dist/index.js`), 'run `pnpm build` first').toBe(true);
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        "const core = require('@auth/core'); console.log(typeof core.createAuthClients, typeof core.flows.clientCredentials)",
      ],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function function');
  });
});
