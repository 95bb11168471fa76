/** AlertSite login: the JSON body of `POST /api/v3/access-tokens`. */
export interface AlertSiteCredentials {
  readonly username: string;
  readonly password: string;
}

/** KlearStack login: form fields `username`, `password`, `company_name`. */
export interface KlearStackCredentials {
  readonly username: string;
  readonly password: string;
  readonly companyName: string;
}

/** One OpsRamp client: its tenant id (an API path segment) and OAuth2 client credentials. */
export interface OpsRampTenant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Token API login: form fields `username` and `password` (with `grant_type=password`). */
export interface AspNetCredentials {
  readonly username: string;
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
  readonly alertsite: AlertSiteCredentials;
  readonly klearstack: KlearStackCredentials;
  readonly opsramp: { readonly tenants: readonly [OpsRampTenant, OpsRampTenant] };
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
