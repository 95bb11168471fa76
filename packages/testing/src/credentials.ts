import {
  ENTRA_CERTIFICATE,
  ENTRA_PRIVATE_KEY,
  GITHUB_PRIVATE_KEY,
  GOOGLE_PRIVATE_KEY,
  OKTA_PRIVATE_KEY,
  SALESFORCE_PRIVATE_KEY,
} from './vendor-keys.js';

/** AlertSite login: the JSON body of `POST /api/v3/access-tokens`. */
export interface AlertSiteCredentials {
  /** Login e-mail: `monitor@example.com`. */
  readonly username: string;
  /** Password: `passw0rd-alertsite`. */
  readonly password: string;
}

/** KlearStack login: form fields `username`, `password`, `company_name`. */
export interface KlearStackCredentials {
  /** Form field `username`: `analyst`. */
  readonly username: string;
  /** Form field `password`: `passw0rd-klear`. */
  readonly password: string;
  /** Form field `company_name`: `Acme Corp`. */
  readonly companyName: string;
}

/** One OpsRamp client: its tenant id (an API path segment) and OAuth2 client credentials. */
export interface OpsRampTenant {
  /** Tenant id, a path segment of the API (`client_1234`, `client_5678`). */
  readonly tenantId: string;
  /** OAuth2 client id (OpsRamp's "Key"). */
  readonly clientId: string;
  /** OAuth2 client secret (OpsRamp's "Secret"). */
  readonly clientSecret: string;
}

/** Token API login: form fields `username` and `password` (with `grant_type=password`). */
export interface AspNetCredentials {
  /** Form field `username`: `user@example.com`. */
  readonly username: string;
  /** Form field `password`: `passw0rd-aspnet`. */
  readonly password: string;
}

/** A GitHub App: its id, an installation, and the app's private key. */
export interface GitHubAppCredentials {
  /** App id (the JWT's `iss`): `123456`. */
  readonly appId: string;
  /** Installation id (a path segment of the token URL): `7654321`. */
  readonly installationId: string;
  /** The app's private key (PKCS#8 PEM). */
  readonly privateKey: string;
}

/** A Google service account key file without `token_uri` (the emulator adds its own). */
export interface GoogleServiceAccountKey {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
}

/** A Salesforce connected app (JWT bearer flow) and the user it acts as. */
export interface SalesforceCredentials {
  /** Consumer key (the JWT's `iss`). */
  readonly clientId: string;
  /** Username (the JWT's `sub`). */
  readonly username: string;
  /** The private key whose certificate the connected app holds. */
  readonly privateKey: string;
}

/** An Okta service app with `private_key_jwt`. */
export interface OktaCredentials {
  readonly clientId: string;
  /** The key registered with the app (PKCS#8 PEM). */
  readonly privateKey: string;
  /** Its key id (`kid`). */
  readonly keyId: string;
  /** Scopes granted to the app: `okta.users.read`. */
  readonly scopes: readonly string[];
}

/** A Microsoft Entra ID app registration with a secret and a certificate. */
export interface EntraIdCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The certificate's private key (PKCS#8 PEM). */
  readonly privateKey: string;
  /** The certificate uploaded to the app registration (PEM). */
  readonly certificate: string;
  /** The scope to ask for: `api://auth-emulators/.default`. */
  readonly scope: string;
}

/** An Auth0 machine-to-machine application and the API (audience) it may call. */
export interface Auth0Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** API identifier: `https://api.example.com/`. */
  readonly audience: string;
}

/** A Zoom Server-to-Server OAuth app. */
export interface ZoomCredentials {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The fixed credentials every emulator accepts, usable before any emulator is started (demo
 * configuration defaults, for instance). Each emulator also exposes its own as `credentials`.
 *
 * @example
 * const { username, password } = EMULATOR_CREDENTIALS.alertsite;
 */
export const EMULATOR_CREDENTIALS: {
  /** The AlertSite login. */
  readonly alertsite: AlertSiteCredentials;
  /** The KlearStack login. */
  readonly klearstack: KlearStackCredentials;
  /** The OpsRamp clients. */
  readonly opsramp: {
    /** Two tenants, each with its own client credentials. */
    readonly tenants: readonly [OpsRampTenant, OpsRampTenant];
  };
  /** The Token API login. */
  readonly aspnet: AspNetCredentials;
  /** The GitHub App. */
  readonly github: GitHubAppCredentials;
  /** The Google service account key file (the emulator's `keyFile` adds `token_uri`). */
  readonly google: GoogleServiceAccountKey;
  /** The Salesforce connected app. */
  readonly salesforce: SalesforceCredentials;
  /** The Okta service app. */
  readonly okta: OktaCredentials;
  /** The Entra ID app registration. */
  readonly entra: EntraIdCredentials;
  /** The Auth0 M2M application. */
  readonly auth0: Auth0Credentials;
  /** The Zoom Server-to-Server OAuth app. */
  readonly zoom: ZoomCredentials;
} = Object.freeze({
  alertsite: Object.freeze({ username: 'monitor@example.com', password: 'passw0rd-alertsite' }),
  klearstack: Object.freeze({
    username: 'analyst',
    password: 'passw0rd-klear',
    companyName: 'Acme Corp',
  }),
  opsramp: Object.freeze({
    tenants: Object.freeze([
      Object.freeze({
        tenantId: 'client_1234',
        clientId: 'opsramp-key-1234',
        clientSecret: 'opsramp-secret-1234',
      }),
      Object.freeze({
        tenantId: 'client_5678',
        clientId: 'opsramp-key-5678',
        clientSecret: 'opsramp-secret-5678',
      }),
    ] as const),
  }),
  aspnet: Object.freeze({ username: 'user@example.com', password: 'passw0rd-aspnet' }),
  github: Object.freeze({
    appId: '123456',
    installationId: '7654321',
    privateKey: GITHUB_PRIVATE_KEY,
  }),
  google: Object.freeze({
    type: 'service_account',
    project_id: 'auth-emulators',
    private_key_id: '3f2a9c1e7b5d4a6f8e0c2b4d6f8a0c2e4b6d8f0a',
    private_key: GOOGLE_PRIVATE_KEY,
    client_email: 'reports@auth-emulators.iam.gserviceaccount.com',
    client_id: '104729384756102938475',
  }),
  salesforce: Object.freeze({
    clientId: '3MVG9emulatorConsumerKey.SalesforceJwtBearer',
    username: 'integration@example.com',
    privateKey: SALESFORCE_PRIVATE_KEY,
  }),
  okta: Object.freeze({
    clientId: '0oa1emulatorservice',
    privateKey: OKTA_PRIVATE_KEY,
    keyId: 'okta-emulator-key-1',
    scopes: Object.freeze(['okta.users.read']),
  }),
  entra: Object.freeze({
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
    clientSecret: 'entra-secret~Q8r.Zt3',
    privateKey: ENTRA_PRIVATE_KEY,
    certificate: ENTRA_CERTIFICATE,
    scope: 'api://auth-emulators/.default',
  }),
  auth0: Object.freeze({
    clientId: 'auth0-m2m-client',
    clientSecret: 'auth0-secret-6Yq2',
    audience: 'https://api.example.com/',
  }),
  zoom: Object.freeze({
    accountId: 'zoom-account-81',
    clientId: 'zoomClientId42',
    clientSecret: 'zoom-secret-Xh7',
  }),
});
