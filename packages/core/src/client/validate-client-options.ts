import { AuthConfigError } from '../errors.js';
import { HEADER_NAME } from '../shared/http-syntax.js';
import { rejectUnknownOptions, transportProblem } from '../shared/validate-options.js';
import { type AuthClientOptions, CLIENT_OPTION_KEYS } from './client-options.js';
import { presetError } from './preset-options.js';

/** Checks a client's options once, at construction, naming the offending option in the error. */
export function validateClientOptions(path: string, options: AuthClientOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new AuthConfigError(path, 'expected an object with at least { baseUrl, flow }');
  }
  const fromPreset = presetError(options, path);
  if (fromPreset) throw fromPreset;
  rejectUnknownOptions(options, CLIENT_OPTION_KEYS, path);
  const insecure = options.allowInsecureHttp;
  if (insecure !== undefined && typeof insecure !== 'boolean') {
    throw new AuthConfigError(`${path}.allowInsecureHttp`, 'must be a boolean');
  }
  const baseUrl = parseUrl(`${path}.baseUrl`, options.baseUrl);
  const baseProblem = transportProblem(baseUrl, insecure);
  if (baseProblem !== undefined) throw new AuthConfigError(`${path}.baseUrl`, baseProblem);
  const flow = options.flow;
  const isFlow =
    typeof flow === 'function' ||
    (typeof flow === 'object' && flow !== null && typeof flow.requestToken === 'function');
  if (!isFlow) {
    throw new AuthConfigError(
      `${path}.flow`,
      'expected a token flow (e.g. flows.clientCredentials(...)) or a function (context) => flow',
    );
  }
  options.allowedOrigins?.forEach((origin, index) => {
    const url = parseUrl(`${path}.allowedOrigins[${index}]`, origin);
    const problem = transportProblem(url, insecure);
    if (problem !== undefined)
      throw new AuthConfigError(`${path}.allowedOrigins[${index}]`, problem);
    if (url.origin !== origin.replace(/\/$/, '')) {
      throw new AuthConfigError(
        `${path}.allowedOrigins[${index}]`,
        `expected an origin such as "${url.origin}", without a path`,
      );
    }
  });
  const positive = {
    tokenTimeoutMs: options.tokenTimeoutMs,
    maxTokenResponseBytes: options.maxTokenResponseBytes,
    leaseTtlMs: options.leaseTtlMs,
    maxCachedTenants: options.maxCachedTenants,
    'refresh.beforeExpiryMs': options.refresh?.beforeExpiryMs,
    'backoff.initialMs': options.backoff?.initialMs,
    'backoff.maxMs': options.backoff?.maxMs,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (
      value !== undefined &&
      !(typeof value === 'number' && value > 0 && Number.isFinite(value))
    ) {
      throw new AuthConfigError(`${path}.${name}`, 'must be a positive finite number');
    }
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new AuthConfigError(`${path}.timeoutMs`, 'must be a positive number (Infinity: none)');
  }
  const fraction = options.refresh?.lifetimeFraction;
  if (fraction !== undefined && !(fraction >= 0 && fraction < 1)) {
    throw new AuthConfigError(`${path}.refresh.lifetimeFraction`, 'must be in [0, 1)');
  }
  if (options.header !== undefined && !HEADER_NAME.test(options.header)) {
    throw new AuthConfigError(`${path}.header`, 'must be a valid HTTP header name');
  }
  for (const name of ['onEvent', 'monotonic', 'now', 'fetch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new AuthConfigError(`${path}.${name}`, 'must be a function');
    }
  }
}

function parseUrl(path: string, value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new AuthConfigError(path, 'expected an absolute URL string');
  }
  try {
    return new URL(value);
  } catch {
    // The value is not echoed: a malformed URL may still carry a password.
    throw new AuthConfigError(path, 'is not an absolute URL');
  }
}
