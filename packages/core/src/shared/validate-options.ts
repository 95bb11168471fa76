/**
 * Option checks shared by every flow factory and preset. Each helper throws an
 * {@link AuthConfigError} naming the option, at the moment the factory is called.
 */
import { AuthConfigError } from '../errors.js';

/** `true` for `localhost`, `*.localhost`, `127.0.0.0/8` and `::1`: hosts that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  // The WHATWG URL parser normalises IPv4 forms (`127.1`, `0x7f.1`) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A non-empty string, or an {@link AuthConfigError} naming `option`. */
export function requireString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthConfigError(option, 'must be a non-empty string');
  }
  return value;
}

/** `undefined`, or a non-empty string. */
export function optionalString(option: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requireString(option, value);
}

/** A positive finite number (seconds, bytes...). */
export function requirePositive(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AuthConfigError(option, 'must be a positive number');
  }
  return value;
}

/**
 * An absolute `http(s):` URL without embedded credentials. `https:` is required unless the host is
 * loopback or `allowInsecureHttp` is `true`.
 */
export function requireEndpointUrl(
  option: string,
  value: unknown,
  allowInsecureHttp: boolean | undefined,
): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new AuthConfigError(option, 'must be an absolute URL string');
  }
  const text = String(value);
  if (!URL.canParse(text)) {
    throw new AuthConfigError(
      option,
      'must be an absolute URL (e.g. "https://api.example.com/token")',
    );
  }
  const url = new URL(text);
  const problem = transportProblem(url, allowInsecureHttp);
  if (problem !== undefined) throw new AuthConfigError(option, problem);
  return url;
}

/**
 * Why `url` must not receive a secret or a token, or `undefined` when it may: it must be `http:`
 * or `https:`, carry no user-info (it would be printed with the URL), and be `https:` unless its
 * host is loopback or `allowInsecureHttp` is `true`. Applies to configured and discovered URLs.
 */
export function transportProblem(
  url: URL,
  allowInsecureHttp: boolean | undefined,
): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must use https: (got ${url.protocol})`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials (user-info); pass them as options instead';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && allowInsecureHttp !== true) {
    return `must use https: (plain http: is only allowed for loopback hosts, or with allowInsecureHttp: true); got host ${url.host}`;
  }
  return undefined;
}

/** A record of string values (extra form fields). */
export function requireStringRecord(
  option: string,
  value: unknown,
): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthConfigError(option, 'must be an object of string values');
  }
  const out: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field !== 'string') {
      throw new AuthConfigError(`${option}.${key}`, 'must be a string');
    }
    out[key] = field;
  }
  return Object.freeze(out);
}

/** One of the allowed string values. */
export function requireOneOf<T extends string>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new AuthConfigError(option, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return value as T;
}

/**
 * Every key of an options interface, listed once (`satisfies OptionKeys<Options>` makes the
 * compiler reject a list that misses a new option).
 */
export type OptionKeys<Options> = { readonly [Key in keyof Required<Options>]: true };

/**
 * Throws an {@link AuthConfigError} for the first key of `options` that `known` does not list (a
 * typo such as `clientSecert`, or an option of a newer version), naming the nearest known key.
 * `path` prefixes the key in the error (`clients.billing`).
 */
export function rejectUnknownOptions(
  options: unknown,
  known: Readonly<Record<string, true>>,
  path?: string,
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AuthConfigError(path ?? 'options', 'expected an object');
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const nearest = nearestKey(key, Object.keys(known));
    throw new AuthConfigError(
      path === undefined ? key : `${path}.${key}`,
      `unknown option; did you mean "${nearest}"?`,
    );
  }
}

/**
 * The candidate with the smallest edit distance to `key`, case-insensitively; a candidate that
 * starts with `key` (`lifetime` → `lifetimeSeconds`) counts as one edit away.
 */
function nearestKey(key: string, candidates: readonly string[]): string {
  let best = candidates[0] ?? '';
  let bestDistance = Number.POSITIVE_INFINITY;
  const typed = key.toLowerCase();
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const distance = known.startsWith(typed) ? 1 : editDistance(typed, known);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Option key lists joined into one, in order. Module-level lists are built with it, marked
 * `/* @__PURE__ *\/`, so that an app's bundler drops the lists of flows the app does not use (an
 * object spread there would be kept: a spread may run getters).
 */
export function joinOptionKeys<
  const A extends Readonly<Record<string, true>>,
  const B extends Readonly<Record<string, true>>,
  const C extends Readonly<Record<string, true>> = Readonly<Record<never, true>>,
>(a: A, b: B, c?: C): A & B & C {
  return { ...a, ...b, ...c } as A & B & C;
}
