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

/**
 * `list` in an order drawn for round `round` (the same for the same round in every run): unlike a
 * rotation, each contender follows a different one from round to round, so none always pays for
 * the garbage or the upstream backlog of the same heavy predecessor.
 */
export function shuffled(list, round) {
  // mulberry32, seeded with the round
  let seed = Math.imul(round + 1, 0x9e3779b9);
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
