// The contenders: five ways a service gets a token onto its outbound calls.
//
// A target describes the upstream:
//   { grant: 'client_credentials', tokenUrl, baseUrl, path, clientId, clientSecret }
//   { grant: 'password', tokenUrl, baseUrl, path, username, password }
// A contender is { id, call(): Promise<status>, close() }: `call` makes one authenticated API call,
// reads the body, and resolves with the final HTTP status (it rejects when the call throws).
import { createAuthClients, flows } from '@auth/core';
import { instrumentAuthClients } from '@auth/opentelemetry';
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import * as oidc from 'openid-client';

/** Display order and labels. */
export const CONTENDERS = {
  raw: 'raw fetch, fixed token (limit)',
  ours: '@auth/core AuthClient',
  oursNoTimeout: '@auth/core AuthClient, timeoutMs: Infinity',
  oursObserved: '@auth/core AuthClient, events + OpenTelemetry on',
  badgateway: '@badgateway/oauth2-client OAuth2Fetch',
  openid: 'openid-client per request (no cache)',
  handwritten: 'hand-written cache',
};

const apiUrl = (target) => new URL(target.path, target.baseUrl).href;

/** Reads the body so that the connection goes back to the pool, returns the status. */
async function settle(res) {
  await res.arrayBuffer();
  return res.status;
}

/** Token request form for a target, as a plain urlencoded body. */
function tokenForm(target) {
  return target.grant === 'password'
    ? { grant_type: 'password', username: target.username, password: target.password }
    : {
        grant_type: 'client_credentials',
        client_id: target.clientId,
        client_secret: target.clientSecret,
      };
}

/** One token, the plain way (used once by the raw contender). */
async function fetchTokenOnce(target) {
  const res = await fetch(target.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(tokenForm(target)),
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return (await res.json()).access_token;
}

/** The limit: plain fetch with a token obtained once before the run. */
async function raw(target) {
  const url = apiUrl(target);
  const headers = { authorization: `Bearer ${await fetchTokenOnce(target)}` };
  return {
    id: 'raw',
    call: () => fetch(url, { headers }).then(settle),
    close: async () => {},
  };
}

/** Ours: createAuthClients + flows.clientCredentials / flows.passwordGrant. */
function ours(target, { store, maxCachedTenants, timeoutMs, observe } = {}) {
  const flow =
    target.grant === 'password'
      ? flows.passwordGrant({
          tokenUrl: target.tokenUrl,
          username: target.username,
          password: target.password,
        })
      : flows.clientCredentials({
          tokenUrl: target.tokenUrl,
          clientId: target.clientId,
          clientSecret: target.clientSecret,
        });
  const clients = createAuthClients({
    upstream: {
      baseUrl: target.baseUrl,
      flow,
      ...(store ? { store } : {}),
      ...(maxCachedTenants ? { maxCachedTenants } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    },
  });
  const client = clients.upstream;
  const stopObserving = observe ? observeEverything(clients) : () => {};
  return {
    id: 'ours',
    call: () => client.fetch(target.path).then(settle),
    close: () => {
      stopObserving();
      return clients.close();
    },
  };
}

/**
 * Every observability feature on: an event listener on the registry and `@auth/opentelemetry`
 * recording into the real OpenTelemetry SDK (in-memory metric reader, in-memory span exporter).
 */
function observeEverything(clients) {
  const unsubscribe = clients.subscribe(() => {});
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  });
  const stop = instrumentAuthClients(clients, { meterProvider, tracerProvider });
  return () => {
    stop();
    unsubscribe();
    void meterProvider.shutdown();
    void tracerProvider.shutdown();
  };
}

/** @badgateway/oauth2-client: OAuth2Client for the grant, OAuth2Fetch for caching and 401 retry. */
function badgateway(target) {
  const client = new OAuth2Client({
    tokenEndpoint: target.tokenUrl,
    clientId: target.clientId ?? 'bench',
    ...(target.clientSecret ? { clientSecret: target.clientSecret } : {}),
    authenticationMethod: 'client_secret_post',
  });
  const wrapper = new OAuth2Fetch({
    client,
    getNewToken: () =>
      target.grant === 'password'
        ? client.password({ username: target.username, password: target.password })
        : client.clientCredentials(),
  });
  const url = apiUrl(target);
  return {
    id: 'badgateway',
    call: () => wrapper.fetch(url).then(settle),
    close: async () => {},
  };
}

/** openid-client called for every API call: a token request per call, nothing cached. */
function openid(target) {
  const tokenUrl = new URL(target.tokenUrl);
  const config =
    target.grant === 'password'
      ? new oidc.Configuration(
          { issuer: tokenUrl.origin, token_endpoint: tokenUrl.href },
          'bench',
          undefined,
          oidc.None(),
        )
      : new oidc.Configuration(
          { issuer: tokenUrl.origin, token_endpoint: tokenUrl.href },
          target.clientId,
          undefined,
          oidc.ClientSecretPost(target.clientSecret),
        );
  oidc.allowInsecureRequests(config);
  const grant = () =>
    target.grant === 'password'
      ? oidc.genericGrantRequest(config, 'password', {
          username: target.username,
          password: target.password,
        })
      : oidc.clientCredentialsGrant(config);
  const url = apiUrl(target);
  return {
    id: 'openid',
    async call() {
      const token = await grant();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token.access_token}` } });
      return settle(res);
    },
    close: async () => {},
  };
}

/**
 * The typical hand-written cache, written the way most teams write it: keep the token until
 * `expires_in` has passed (counted from when the answer arrived), no single flight, no early
 * refresh, no retry on 401.
 */
function handwritten(target) {
  let cached = null;

  async function getToken() {
    if (cached && Date.now() < cached.expiresAt) {
      return cached.accessToken;
    }
    const res = await fetch(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(tokenForm(target)),
    });
    if (!res.ok) {
      throw new Error(`token request failed with status ${res.status}`);
    }
    const body = await res.json();
    cached = {
      accessToken: body.access_token,
      expiresAt: Date.now() + body.expires_in * 1000,
    };
    return cached.accessToken;
  }

  const url = apiUrl(target);
  return {
    id: 'handwritten',
    async call() {
      const token = await getToken();
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      return settle(res);
    },
    close: async () => {},
  };
}

/** Ours without the per-call timeout (no AbortController per call): what the timeout costs. */
function oursNoTimeout(target) {
  return { ...ours(target, { timeoutMs: Number.POSITIVE_INFINITY }), id: 'oursNoTimeout' };
}

/** Ours with an event listener and OpenTelemetry on: what observability costs on the hot path. */
function oursObserved(target) {
  return { ...ours(target, { observe: true }), id: 'oursObserved' };
}

const factories = { raw, ours, oursNoTimeout, oursObserved, badgateway, openid, handwritten };

/** Builds contender `id` for `target`. */
export async function createContender(id, target, options) {
  const factory = factories[id];
  if (!factory) throw new Error(`unknown contender ${id}`);
  return factory(target, options);
}
