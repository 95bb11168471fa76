/**
 * The key shorthands of the `flows` namespace: `dpop: true | { privateKey, publicKey }` and
 * `privateKey` (with `keyId`, `algorithm`, `certificate`...) on an OAuth2 flow. They need DPoP and
 * JWT signing (jose), so a flow imported by name does not carry them: it takes `dpop: dpopKey()`
 * and `auth: privateKeyJwt({ privateKey })`, and the namespace hands its flows the helpers that
 * turn a shorthand into those values.
 */
import type { DPoPKey, DPoPKeyPair } from '../../engine/dpop.js';
import type { PrivateKeyInput } from '../../shared/signing-key.js';
import type { KeyOption } from './key-options.js';
import type { PrivateKeyJwt, PrivateKeyJwtOptions } from './private-key-jwt.js';

/**
 * What turns the shorthands into helper values (`dpopKey`, `privateKeyJwt`), and the checks of
 * the key options given to the flow (`privateKey`, `algorithm`).
 */
export interface KeyShorthands {
  dpopKey(pair?: DPoPKeyPair): DPoPKey;
  privateKeyJwt(options: PrivateKeyJwtOptions): PrivateKeyJwt;
  requirePrivateKey(option: string, value: unknown): PrivateKeyInput;
  optionalAlgorithm(option: string, value: unknown): string | undefined;
}

/** The options key (never enumerated, never printed) under which the namespace passes them. */
export const KEY_SHORTHANDS: unique symbol = Symbol('keyShorthands');

/**
 * The options of an OAuth2 flow imported by name: those of `flows.<flow>` without the key
 * shorthands. `privateKey` and its options go to `auth: privateKeyJwt({ privateKey })`, and
 * `dpop` takes `dpopKey()`.
 */
export type NamedFlowOptions<Options> = Omit<Options, KeyOption | 'dpop'> &
  ('dpop' extends keyof Options
    ? {
        /**
         * DPoP (RFC 9449): `dpopKey()` (a key pair per client) or `dpopKey({ privateKey,
         * publicKey })`. Default `false`.
         */
        dpop?: false | DPoPKey;
      }
    : unknown);

/**
 * `options` with the shorthands enabled, for the flow imported by name (which reads them through
 * {@link KEY_SHORTHANDS}). A non-object is passed on for the flow to refuse.
 */
export function withKeyShorthands<Options>(
  options: Options,
  shorthands: KeyShorthands,
): NamedFlowOptions<Options> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return options as NamedFlowOptions<Options>;
  }
  return { ...options, [KEY_SHORTHANDS]: shorthands } as NamedFlowOptions<Options>;
}

/** The shorthands enabled on `options`, or `undefined` (a flow imported by name). */
export function keyShorthandsOf(options: object): KeyShorthands | undefined {
  return (options as { [KEY_SHORTHANDS]?: KeyShorthands })[KEY_SHORTHANDS];
}
