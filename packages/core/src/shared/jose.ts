/**
 * `jose`, loaded on first use. Only DPoP and JWT signing need it, and importing it costs more than
 * the rest of `@auth/core` together (about 45 ms of module loading in a fresh Node process, bench
 * scenario 7), so a client without them never pays for it.
 */
type JoseParts = typeof import('./jose-parts.js');

let loading: Promise<JoseParts> | undefined;

/** The parts of `jose` we use (one import per process, shared by every caller). */
export function jose(): Promise<JoseParts> {
  loading ??= import('./jose-parts.js');
  return loading;
}
