import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The files `entry` loads statically (itself included) and the packages it imports statically. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(`${dist}${file}`, 'utf8');
    for (const [, specifier] of code.matchAll(/^(?:import|export)\b[^;]*?from\s*"([^"]+)"/gms)) {
      if (specifier?.startsWith('./')) visit(specifier.slice(2));
      else if (specifier !== undefined) packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the built package (cold start)', () => {
  it('loads each entry point from a few bundled files, without jose', () => {
    expect(existsSync(`${dist}index.js`), 'run `pnpm build` first').toBe(true);
    const index = staticGraph('index.js');
    expect(index.files.size).toBeLessThanOrEqual(4);
    expect([...index.packages].sort()).toEqual(['openid-client']);
    const adapter = staticGraph('adapter.js');
    expect(adapter.files.size).toBeLessThanOrEqual(4);
    expect([...adapter.packages]).toEqual([]);
    expect([...staticGraph('node.js').packages]).toEqual(['undici']);
  });

  it('loads jose on first use: DPoP proofs and JWT signing work from dist', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { jwtSigner } from '@auth/core';
import { DPoPProver } from '@auth/core/adapter';
const prover = new DPoPProver(undefined);
const proof = await prover.proof('GET', new URL('https://api.example/x'), 'token');
const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const jwt = await jwtSigner({ privateKey })({ iss: 'a', aud: 'b' });
console.log(proof.split('.').length, jwt.split('.').length);`,
      ],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('3 3');
  });
});
