/**
 * Options a preset built, and the mistake it found while building them: a preset is called before
 * `createAuthClients()` knows the client's name, so the mistake waits here to be thrown naming it.
 */

import { AuthConfigError } from '../errors.js';
import type { AuthClientOptions } from './client-options.js';

const INVALID_PRESET = Symbol('invalid preset options');

/**
 * Runs a preset's checks. A preset is called before `createAuthClients()` knows the client's name,
 * so a mistake is kept in the returned options and thrown by `createAuthClient(s)` naming the
 * client (`clients.klearstack.baseUrl`); reading `baseUrl` or `flow` throws it unnamed.
 */
export function presetOptions(build: () => AuthClientOptions): AuthClientOptions {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    const fail = (): never => {
      throw error;
    };
    return Object.defineProperties({} as AuthClientOptions, {
      [INVALID_PRESET]: { value: error, enumerable: true },
      baseUrl: { get: fail },
      flow: { get: fail },
    });
  }
}

/** The mistake {@link presetOptions} kept, addressed to the client at `path`, if any. */
export function presetError(options: object, path: string): AuthConfigError | undefined {
  const error = (options as { [INVALID_PRESET]?: AuthConfigError })[INVALID_PRESET];
  if (error === undefined) return undefined;
  return new AuthConfigError(`${path}.${error.option}`, error.problem);
}
