import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { FlowRequest } from '../../src/engine/token-flow.js';
import { TokenEndpointError } from '../../src/errors.js';

/** What the token manager passes a flow: the global fetch, a 5 s signal, a 64 KiB cap. */
export function request(overrides: Partial<FlowRequest> = {}): FlowRequest {
  return {
    fetch: globalThis.fetch,
    signal: AbortSignal.timeout(5_000),
    maxResponseBytes: 65_536,
    ...overrides,
  };
}

/** The `TokenEndpointError` `promise` rejects with (fails the test when it resolves or rejects otherwise). */
export async function failure(promise: Promise<unknown>): Promise<TokenEndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenEndpointError);
  return error as TokenEndpointError;
}

/** Every way an error or flow can be printed must be free of every secret. */
export function expectNoSecret(secrets: readonly string[], ...values: unknown[]): void {
  const printed = values.flatMap((v) => [
    String(v),
    v instanceof Error ? v.message : '',
    JSON.stringify(v) ?? '',
    inspect(v, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ]);
  for (const secret of secrets) {
    for (const text of printed) expect(text).not.toContain(secret);
  }
}
