/**
 * The options of `privateKeyJwt()`, which the `flows` namespace also takes on the flow itself (the
 * `privateKey` shorthand) and a flow imported by name refuses. A module of its own, importing
 * nothing: the flows read it without bundling JWT signing.
 */
export const PRIVATE_KEY_JWT_OPTION_KEYS = {
  privateKey: true,
  keyId: true,
  algorithm: true,
  certificate: true,
  certificateHeaders: true,
  now: true,
} as const;

/** A key option of `privateKeyJwt()`. */
export type KeyOption = keyof typeof PRIVATE_KEY_JWT_OPTION_KEYS;
