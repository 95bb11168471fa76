import { randomBytes } from 'node:crypto';

/** The tokens an emulator issued: whose each is and until when. */
export interface TokenBook<Principal> {
  /** Issues a token for `principal`, valid `lifetimeSeconds`: `prefix` + 40 random hex digits. */
  issue(principal: Principal, lifetimeSeconds: number, prefix?: string): string;
  /** The principal of a current token, or `undefined` (unknown, expired or revoked). */
  check(token: string): Principal | undefined;
  /** Revokes every token. */
  clear(): void;
}

/** A {@link TokenBook} on the emulator's clock (epoch ms). */
export function tokenBook<Principal>(now: () => number): TokenBook<Principal> {
  const tokens = new Map<string, { principal: Principal; expiresAt: number }>();
  return {
    issue(principal, lifetimeSeconds, prefix = '') {
      const token = `${prefix}${randomBytes(20).toString('hex')}`;
      tokens.set(token, { principal, expiresAt: now() + lifetimeSeconds * 1000 });
      return token;
    },
    check(token) {
      const entry = tokens.get(token);
      return entry && now() < entry.expiresAt ? entry.principal : undefined;
    },
    clear: () => tokens.clear(),
  };
}

/** The origin the client addressed (`http://` + its Host header), for `aud` checks. */
export function requestOrigin(headers: { host?: string | undefined }): string {
  return `http://${headers.host ?? ''}`;
}
