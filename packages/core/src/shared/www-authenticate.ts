/**
 * The `error` parameter of a `WWW-Authenticate` challenge (RFC 6750 §3), e.g. `invalid_token` or
 * `insufficient_scope`; `undefined` when the header or the parameter is absent.
 *
 * @example
 * challengeError('Bearer realm="api", error="insufficient_scope"') // 'insufficient_scope'
 */
export function challengeError(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  const match = /(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(header);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}
