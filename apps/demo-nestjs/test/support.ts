import { EMULATOR_CREDENTIALS } from '@auth/testing';
import type { LoggerService } from '@nestjs/common';

/** Every secret the demo's clients use: none may appear in a response or a log line. */
export const SECRETS: readonly string[] = [
  EMULATOR_CREDENTIALS.alertsite.password,
  EMULATOR_CREDENTIALS.klearstack.password,
  EMULATOR_CREDENTIALS.aspnet.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((tenant) => tenant.clientSecret),
];

/** A Nest logger that keeps every line, to search for secrets and warnings. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...args: unknown[]) {
    this.#keep('log', args);
  }
  error(...args: unknown[]) {
    this.#keep('error', args);
  }
  warn(...args: unknown[]) {
    this.#keep('warn', args);
  }
  debug(...args: unknown[]) {
    this.#keep('debug', args);
  }
  verbose(...args: unknown[]) {
    this.#keep('verbose', args);
  }
  fatal(...args: unknown[]) {
    this.#keep('fatal', args);
  }
  #keep(level: string, args: unknown[]) {
    const text = args.map((arg) =>
      arg instanceof Error
        ? `${arg.stack} ${JSON.stringify(arg)}`
        : typeof arg === 'string'
          ? arg
          : JSON.stringify(arg),
    );
    this.lines.push(`${level} ${text.join(' ')}`);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
