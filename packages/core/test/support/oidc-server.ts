/**
 * A real authorization server for the standards tests: `oidc-provider` (a certified OpenID
 * Provider) on loopback, with one client per client authentication method, DPoP with nonces,
 * mutual TLS behind a loopback TLS listener with a test CA, and token exchange (RFC 8693) and JWT
 * bearer (RFC 7523) grants registered through `registerGrantType`. A resource server verifies
 * every token it is given: the token itself (in the provider), the DPoP proof (`htm`, `htu`,
 * `ath`, nonce, key thumbprint) and the certificate binding.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  base64url,
  calculateJwkThumbprint,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  type JWK,
  jwtVerify,
} from 'jose';
import Provider, {
  type Adapter,
  type AdapterPayload,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';

/** PEMs of the test PKI (generated per run with openssl). */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by the CA, but for another subject than the one registered. */
  wrongCert: string;
  wrongKey: string;
}

export interface OidcServer {
  /** Plain loopback token endpoint. */
  tokenUrl: string;
  /** The same provider behind the mutual TLS listener. */
  mtlsTokenUrl: string;
  /** Resource server (plain) and its mutual TLS twin. */
  apiUrl: string;
  mtlsApiUrl: string;
  pki: TestPki;
  /** Client key pair registered for `private_key_jwt` (private JWK). */
  clientKey: JWK;
  /** Key pair trusted for JWT bearer assertions (private JWK). */
  assertionKey: JWK;
  secrets: { jwt: string; dpop: string; exchange: string };
  /** Subject tokens the token exchange grant accepts → the subject they name. */
  subjects: Map<string, string>;
  /** Token requests per client id (counted at the provider). */
  tokenRequests: Map<string, number>;
  /** Subject tokens seen by the exchange grant, in order. */
  exchanged: string[];
  /** API calls per outcome. */
  api: { ok: number; refused: number; nonceAsked: number };
  close(): Promise<void>;
}

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const RS_NONCE = 'resource-server-nonce-1';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and two client certificates, all ECDSA P-256. */
export function createPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'auth-pki-'));
  try {
    const key = (name: string) =>
      openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
    key('ca');
    openssl(
      dir,
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=auth-test-ca',
      '-days',
      '2',
      '-out',
      'ca.pem',
    );
    const issue = (name: string, subject: string, ext: string) => {
      key(name);
      openssl(dir, 'req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
      writeFileSync(join(dir, `${name}.ext`), ext);
      openssl(
        dir,
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
      // PKCS#8, the form undici and Node take everywhere.
      openssl(dir, 'pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key`, '-out', `${name}.p8`);
    };
    issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
    issue('client', '/CN=client-mtls', 'extendedKeyUsage=clientAuth');
    issue('wrong', '/CN=intruder', 'extendedKeyUsage=clientAuth');
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    return {
      ca: read('ca.pem'),
      serverCert: read('server.pem'),
      serverKey: read('server.p8'),
      clientCert: read('client.pem'),
      clientKey: read('client.p8'),
      wrongCert: read('wrong.pem'),
      wrongKey: read('wrong.p8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function privateJwk(alg: 'RS256' | 'ES256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg };
}

function publicJwk(jwk: JWK): JWK {
  const { d, p, q, dp, dq, qi, ...rest } = jwk;
  return rest;
}

function peerCertificate(ctx: {
  socket?: unknown;
  req: IncomingMessage;
}): X509Certificate | undefined {
  const socket = ctx.req.socket as Partial<TLSSocket>;
  const raw = socket.getPeerCertificate?.()?.raw;
  return raw === undefined ? undefined : new X509Certificate(raw);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the provider, its mutual TLS listener and the resource servers. */
export async function startOidcServer(
  options: { tokenTtlSeconds?: number } = {},
): Promise<OidcServer> {
  const ttl = options.tokenTtlSeconds ?? 600;
  const pki = createPki();
  const clientKey = await privateJwk('RS256', 'client-key-1');
  const assertionKey = await privateJwk('ES256', 'assertion-key-1');
  const signingKey = await privateJwk('RS256', 'op-signing-key');
  const secrets = {
    jwt: randomBytes(32).toString('hex'),
    dpop: randomBytes(32).toString('hex'),
    exchange: randomBytes(32).toString('hex'),
  };
  const subjects = new Map<string, string>();
  const tokenRequests = new Map<string, number>();
  const exchanged: string[] = [];
  const api = { ok: 0, refused: 0, nonceAsked: 0 };
  /** What the custom grants issued each token for (subject, audience, actor). */
  const claims = new Map<string, Record<string, string | undefined>>();

  const httpServer = createHttpServer();
  const port = await listen(httpServer);
  const issuer = `http://127.0.0.1:${port}`;
  const grantTypes = ['client_credentials'];
  const provider = new Provider(issuer, {
    adapter: MapAdapter,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    clients: [
      {
        client_id: 'jwt-secret',
        client_secret: secrets.jwt,
        token_endpoint_auth_method: 'client_secret_jwt',
        grant_types: grantTypes,
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'private-key',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [publicJwk(clientKey)] },
        grant_types: grantTypes,
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'mtls',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=client-mtls',
        tls_client_certificate_bound_access_tokens: true,
        grant_types: grantTypes,
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'dpop',
        client_secret: secrets.dpop,
        token_endpoint_auth_method: 'client_secret_post',
        dpop_bound_access_tokens: true,
        grant_types: grantTypes,
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'exchanger',
        client_secret: secrets.exchange,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: [TOKEN_EXCHANGE],
        redirect_uris: [],
        response_types: [],
      },
      {
        client_id: 'assertion',
        token_endpoint_auth_method: 'none',
        grant_types: [JWT_BEARER],
        redirect_uris: [],
        response_types: [],
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: (ctx) => peerCertificate(ctx)?.toString(),
        certificateAuthorized: (ctx) => (ctx.req.socket as TLSSocket).authorized === true,
        certificateSubjectMatches: (ctx, property, expected) =>
          property === 'tls_client_auth_subject_dn' && peerCertificate(ctx)?.subject === expected,
      },
    },
    ttl: { ClientCredentials: ttl },
    clientAuthMethods: [
      'client_secret_jwt',
      'client_secret_post',
      'private_key_jwt',
      'tls_client_auth',
      'none',
    ],
    enabledJWA: { clientAuthSigningAlgValues: ['HS256', 'RS256', 'ES256'] },
  });

  // Count token requests per client (the body is parsed by the provider, so count on success and failure alike).
  provider.on('grant.success', (ctx) => {
    const id = ctx.oidc.client?.clientId ?? 'unknown';
    tokenRequests.set(id, (tokenRequests.get(id) ?? 0) + 1);
  });

  provider.registerGrantType(
    TOKEN_EXCHANGE,
    async (ctx, next) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
        throw new errors.InvalidRequest('unsupported subject_token_type');
      }
      const subject = subjects.get(params.subject_token ?? '');
      if (subject === undefined) throw new errors.InvalidGrant('subject token not recognised');
      exchanged.push(params.subject_token as string);
      const token = issue(ctx, params.scope);
      const value = await token.save();
      claims.set(value, {
        sub: subject,
        aud: params.audience,
        act: params.actor_token ? 'actor' : undefined,
      });
      ctx.body = {
        access_token: value,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: token.expiration,
      };
      await next();
    },
    [
      'subject_token',
      'subject_token_type',
      'audience',
      'resource',
      'scope',
      'requested_token_type',
      'actor_token',
      'actor_token_type',
    ],
  );

  provider.registerGrantType(
    JWT_BEARER,
    async (ctx, next) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      let sub: string | undefined;
      try {
        const { payload } = await jwtVerify(
          params.assertion ?? '',
          await importPublic(assertionKey),
          {
            audience: `${issuer}/token`,
            issuer: 'svc-reports',
          },
        );
        sub = payload.sub;
      } catch {
        throw new errors.InvalidGrant('assertion not accepted');
      }
      const value = await issue(ctx, params.scope).save();
      claims.set(value, { sub });
      ctx.body = { access_token: value, token_type: 'Bearer', expires_in: ttl };
      await next();
    },
    ['assertion', 'scope'],
  );

  httpServer.on('request', provider.callback());
  const tlsOptions = {
    key: pki.serverKey,
    cert: pki.serverCert,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: false,
  };
  const mtlsServer = createHttpsServer(tlsOptions, provider.callback());
  const mtlsPort = await listen(mtlsServer);

  // The resource server: verifies the token in the provider, then its binding.
  const resource = async (req: IncomingMessage, res: ServerResponse) => {
    const deny = (challenge: string, nonce?: string) => {
      api.refused += 1;
      res.writeHead(401, {
        'www-authenticate': challenge,
        ...(nonce ? { 'dpop-nonce': nonce } : {}),
      });
      res.end();
    };
    const match = /^(Bearer|DPoP) (\S+)$/.exec(req.headers.authorization ?? '');
    if (match === null) return deny('Bearer error="invalid_request"');
    const [, scheme, value] = match as unknown as [string, string, string];
    const token = await provider.ClientCredentials.find(value);
    if (token === undefined) return deny(`${scheme} error="invalid_token"`);
    const jkt = token.jkt as string | undefined;
    if (jkt !== undefined) {
      const proof = req.headers.dpop;
      if (scheme !== 'DPoP' || typeof proof !== 'string') return deny('DPoP error="invalid_token"');
      try {
        const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
          typ: 'dpop+jwt',
          maxTokenAge: '60s',
        });
        const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
        const ath = base64url.encode(createHash('sha256').update(value).digest());
        if (payload.nonce !== RS_NONCE) {
          api.nonceAsked += 1;
          return deny('DPoP error="use_dpop_nonce"', RS_NONCE);
        }
        if (
          payload.htm !== req.method ||
          payload.htu !== `${url.origin}${url.pathname}` ||
          payload.ath !== ath ||
          (await calculateJwkThumbprint(protectedHeader.jwk as JWK)) !== jkt
        ) {
          return deny('DPoP error="invalid_dpop_proof"');
        }
      } catch {
        return deny('DPoP error="invalid_dpop_proof"');
      }
    } else if (scheme !== 'Bearer') return deny('Bearer error="invalid_token"');
    const bound = (token as unknown as Record<string, string | undefined>)['x5t#S256'];
    if (bound !== undefined) {
      const cert = (req.socket as Partial<TLSSocket>).getPeerCertificate?.()?.raw;
      const thumbprint = cert && base64url.encode(createHash('sha256').update(cert).digest());
      if (thumbprint !== bound)
        return deny('Bearer error="invalid_token", error_description="certificate binding"');
    }
    api.ok += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ client: token.clientId, ...claims.get(value) }));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    resource(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  };
  const apiServer = createHttpServer(handle);
  const apiPort = await listen(apiServer);
  const mtlsApiServer = createHttpsServer(tlsOptions, handle);
  const mtlsApiPort = await listen(mtlsApiServer);

  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    tokenUrl: `${issuer}/token`,
    mtlsTokenUrl: `https://127.0.0.1:${mtlsPort}/token`,
    apiUrl: `http://127.0.0.1:${apiPort}/`,
    mtlsApiUrl: `https://127.0.0.1:${mtlsApiPort}/`,
    pki,
    clientKey,
    assertionKey,
    secrets,
    subjects,
    tokenRequests,
    exchanged,
    api,
    close: async () => {
      await Promise.all([httpServer, mtlsServer, apiServer, mtlsApiServer].map(close));
    },
  };
}

/** The provider's storage: a plain map per model (what its quick-start adapter does, unannounced). */
class MapAdapter implements Adapter {
  static readonly data = new Map<string, AdapterPayload>();
  readonly #model: string;
  constructor(model: string) {
    this.#model = model;
  }
  #key(id: string) {
    return `${this.#model}:${id}`;
  }
  async upsert(id: string, payload: AdapterPayload) {
    MapAdapter.data.set(this.#key(id), payload);
  }
  async find(id: string) {
    return MapAdapter.data.get(this.#key(id));
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid() {
    return undefined;
  }
  async consume(id: string) {
    const payload = MapAdapter.data.get(this.#key(id));
    if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    MapAdapter.data.delete(this.#key(id));
  }
  async revokeByGrantId() {}
}

/** A provider-held access token for the grant's client (verifiable by the resource server). */
function issue(ctx: KoaContextWithOIDC, scope: string | undefined) {
  const client = ctx.oidc.client as NonNullable<KoaContextWithOIDC['oidc']['client']>;
  return new ctx.oidc.provider.ClientCredentials({
    client,
    scope: scope ?? '',
  });
}

async function importPublic(jwk: JWK) {
  const { importJWK } = await import('jose');
  return importJWK(publicJwk(jwk), jwk.alg);
}
