import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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

/** An app of `code` (importing `@auth/core` from dist) bundled as for Workers: the packages in it, its code. */
async function appBundle(code: string): Promise<{ packages: Set<string>; text: string }> {
  const result = await build({
    stdin: { contents: code, resolveDir: packageDir, loader: 'js' },
    alias: {
      '@auth/core/adapter': `${dist}adapter.js`,
      '@auth/core/node': `${dist}node.js`,
      '@auth/core': `${dist}index.js`,
    },
    external: ['undici'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path);
  const packages = new Set(
    inputs.flatMap((path) => path.match(/node_modules\/([^/.][^/]*)\//)?.[1] ?? []),
  );
  return { packages, text: result.outputFiles[0]?.text ?? '' };
}

describe('the built package (tree shaking)', () => {
  const app = (imports: string, flow: string) =>
    `import { createAuthClients, ${imports} } from '@auth/core';
export const clients = createAuthClients({ api: { baseUrl: 'https://api.example/', flow: ${flow} } });`;
  const options = `tokenUrl: 'https://idp.example/token', clientId: 'c'`;

  it('a client-credentials flow imported by name bundles neither jose, DPoP nor other flows', async () => {
    const lean = await appBundle(
      app('clientCredentials', `clientCredentials({ ${options}, clientSecret: 's' })`),
    );
    expect([...lean.packages].sort()).toEqual(['oauth4webapi', 'openid-client']);
    expect(lean.text).not.toContain('dpop+jwt');
    expect(lean.text).not.toContain('tokenExchange');
    expect(lean.text).not.toContain('alertsite');
  });

  it('has no side effects: a small import from each entry bundles only what it uses', async () => {
    const { packages, text } = await appBundle(`import { isAuthError } from '@auth/core';
import { PROBLEM_CONTENT_TYPE } from '@auth/core/adapter';
import { mutualTls } from '@auth/core/node';
console.log(isAuthError, PROBLEM_CONTENT_TYPE, mutualTls);`);
    expect([...packages]).toEqual([]);
    // Neither option key lists (built at module level), nor the default failure logger.
    expect(text).not.toContain('lifetimeSeconds');
    expect(text).not.toContain('(console)');
    expect(text.length).toBeLessThan(1_500);
  });

  it('dpopKey, privateKeyJwt and the flows namespace bring what they need', async () => {
    const dpop = await appBundle(
      app(
        'clientCredentials, dpopKey',
        `clientCredentials({ ${options}, clientSecret: 's', dpop: dpopKey() })`,
      ),
    );
    expect(dpop.packages.has('jose')).toBe(true);
    expect(dpop.text).toContain('dpop+jwt');
    const signed = await appBundle(
      app(
        'clientCredentials, privateKeyJwt',
        `clientCredentials({ ${options}, auth: privateKeyJwt({ privateKey: 'k' }) })`,
      ),
    );
    expect(signed.packages.has('jose')).toBe(true);
    const namespace = await appBundle(
      app('flows', `flows.clientCredentials({ ${options}, clientSecret: 's' })`),
    );
    expect(namespace.packages.has('jose')).toBe(true);
    expect(namespace.text).toContain('dpop+jwt');
  });
});
