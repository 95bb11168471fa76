/**
 * The parts of `jose` that DPoP and JWT signing use, loaded together on first use through
 * {@link jose}. Named here, not as `import('jose')`, so that an app's bundler keeps only these.
 */
export {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  SignJWT,
} from 'jose';
