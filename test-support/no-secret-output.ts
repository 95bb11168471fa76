/**
 * Suite-wide secret check, loaded by every test project (vitest.shared.ts `setupFiles`): records
 * everything a test file prints through `console` or writes to stdout/stderr, and fails the file
 * if any password, client secret or token the emulators know appears in it.
 */
import { inspect } from 'node:util';
import { issuedSecrets } from '@auth/testing';
import { afterAll } from 'vitest';

const printed: string[] = [];

for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  const original = console[method];
  console[method] = (...args: unknown[]) => {
    printed.push(
      args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '),
    );
    original.apply(console, args);
  };
}
for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write;
  stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    printed.push(
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    );
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stream.write;
}

afterAll(() => {
  const output = printed.join('\n');
  const leaked = [...issuedSecrets()].filter((secret) => output.includes(secret));
  if (leaked.length > 0) {
    throw new Error(
      `${leaked.length} credential or token string(s) appeared in what this test file printed`,
    );
  }
});
