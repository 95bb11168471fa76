import { expect } from 'vitest';
import { AuthConfigError } from '../../src/errors.js';

/** Calls `build` and returns the `AuthConfigError` it threw (fails the test when it throws none). */
export function thrownConfigError(build: () => unknown): AuthConfigError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AuthConfigError);
  return caught as AuthConfigError;
}
