import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const script = join(packageDir, 'scripts/check-runtime-neutral.mjs');
const dists = {
  core: join(packageDir, '../core'),
  hono: packageDir,
};

/** Runs the check script; resolves with its exit code and output. */
async function check(...dirs: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...dirs], { cwd: packageDir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'runtime-neutral-'));
  // Build the packages whose dist is missing, so the check has something real to scan.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const dir of Object.values(dists)) {
    if (!existsSync(join(dir, 'dist/index.js'))) {
      await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir });
    }
  }
}, 120_000);
afterAll(() => rm(temp, { recursive: true, force: true }));

describe('scripts/check-runtime-neutral.mjs', () => {
  it('passes on the built @auth/core and @auth/hono (its default dirs)', async () => {
    const result = await check();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok \(.*core[/\\]dist, dist\)/);
  });

  it('fails on Node-only code, naming the file and line of each problem', async () => {
    const nested = join(temp, 'bad', 'lib');
    await mkdir(nested, { recursive: true });
    await writeFile(
      join(nested, 'bad.js'),
      [
        "import { readFile } from 'node:fs/promises';", // 1
        'export const bytes = Buffer.from("x");', // 2
        'export const env = process.env.HOME;', // 3
        'const path = require("path");', // 4
        'const url = await import("node:url");', // 5
        'setImmediate(() => {}); export const here = __dirname;', // 6
      ].join('\n'),
    );
    const result = await check(join(temp, 'bad'));
    expect(result.code).toBe(1);
    const file = join(nested, 'bad.js');
    for (const [line, problem] of [
      [1, "imports from 'node:'"],
      [2, 'Buffer'],
      [3, 'process'],
      [4, 'require('],
      [5, "import('node:"],
      [6, 'setImmediate'],
      [6, '__dirname'],
    ] as const) {
      expect(result.stderr).toContain(`${file}:${line}: `);
      expect(
        result.stderr
          .split('\n')
          .some((l) => l.startsWith(`${file}:${line}: `) && l.includes(problem)),
      ).toBe(true);
    }
    expect(result.stderr).toMatch(/7 problem\(s\)/);
  });

  it('ignores comments, strings, property names and look-alikes', async () => {
    const dir = join(temp, 'good');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'good.js'),
      [
        '// process.env.X and Buffer in a line comment',
        '/** require("fs"), from "node:fs", __dirname',
        ' *  in a block comment */',
        "export const text = 'runs in this process; no Buffer needed';",
        'export const view = new ArrayBuffer(8); // not Buffer',
        'export const maybe = globalThis.process?.env;',
        'export const options = { x: 1 }; export const y = options.process;',
        'export const re = /process\\/require\\(/g; export const half = 4 / 2;',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
        'export const t = `a ${half} Buffer b`;',
      ].join('\n'),
    );
    const result = await check(dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 2 when a directory is missing', async () => {
    const result = await check(join(temp, 'nope'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
  });
});
