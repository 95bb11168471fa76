// Upstream targets for the contenders, from an upstream process' info.

/** OpsRamp client-credentials API: api/v2/tenants/client_1234/alerts/search. */
export function opsrampTarget(info) {
  const { origin, tokenUrl, credentials } = info.opsramp;
  return {
    grant: 'client_credentials',
    tokenUrl,
    baseUrl: `${origin}/api/v2/tenants/${credentials.tenantId}/`,
    path: 'alerts/search',
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
  };
}

/** ASP.NET-style /Token password grant (single active token per user): GET /api/me. */
export function aspnetTarget(info) {
  const { tokenUrl, apiBaseUrl, credentials } = info.aspnet;
  return {
    grant: 'password',
    tokenUrl,
    baseUrl: apiBaseUrl,
    path: 'me',
    username: credentials.username,
    password: credentials.password,
  };
}

/** `list` rotated left by `by`: interleaved rounds start with a different contender each time. */
export function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
