import { EMULATOR_CREDENTIALS } from './credentials.js';

const issued = new Set<string>();

/** Records the tokens of a token endpoint's answer. @internal */
export function recordIssued(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  for (const field of ['access_token', 'refresh_token', 'token'] as const) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length < 10_000) issued.add(value);
  }
}

/**
 * Every secret this process's emulators know: the passwords and client secrets they accept and
 * every token they issued so far. Search what your code printed for them to prove nothing leaks.
 *
 * @example
 * const leaked = [...issuedSecrets()].filter((secret) => logs.includes(secret));
 * expect(leaked).toEqual([]);
 */
export function issuedSecrets(): ReadonlySet<string> {
  const { alertsite, klearstack, opsramp, aspnet, github, google, salesforce, okta, entra } =
    EMULATOR_CREDENTIALS;
  return new Set([
    alertsite.password,
    klearstack.password,
    aspnet.password,
    ...opsramp.tenants.map((tenant) => tenant.clientSecret),
    ...[
      github.privateKey,
      google.private_key,
      salesforce.privateKey,
      okta.privateKey,
      entra.privateKey,
    ]
      // The whole PEM, and a line of its body (a leak without the armour).
      .flatMap((pem) => [pem, pem.split('\n')[3] ?? pem]),
    entra.clientSecret,
    EMULATOR_CREDENTIALS.auth0.clientSecret,
    EMULATOR_CREDENTIALS.zoom.clientSecret,
    ...issued,
  ]);
}
