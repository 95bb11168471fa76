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
});
