import type { Emulators } from './start-emulators.js';

/** Options the `auth-emulators` command understands. */
export interface CliOptions {
  /** First port: alertsite on it, then the other providers on the next ten (in the order of `portsFrom`). */
  portBase?: number;
  help: boolean;
}

/** Usage text of the `auth-emulators` command. */
export const USAGE = `Usage: auth-emulators [--port-base N]

Starts local emulators of the AlertSite, KlearStack, OpsRamp and ASP.NET Token API providers,
and of GitHub Apps, Google service accounts, Salesforce, Okta, Entra ID, Auth0 and Zoom.
  --port-base N   alertsite on port N, klearstack N+1, opsramp N+2, aspnet N+3, github N+4,
                  google N+5, salesforce N+6, okta N+7, entra N+8, auth0 N+9, zoom N+10
                  (default: free ports chosen by the OS)
  --help          show this text
`;

/** Parses `auth-emulators` arguments; throws an `Error` with a readable message when invalid. */
export function parseCliArgs(args: readonly string[]): CliOptions {
  const options: CliOptions = { help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--port-base' || arg.startsWith('--port-base=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65525) {
        throw new Error(
          `--port-base needs a port number from 1 to 65525, got ${value ?? 'nothing'}`,
        );
      }
      options.portBase = port;
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** Ports for `startEmulators` from a port base: eleven consecutive ports. */
export function portsFrom(portBase: number) {
  return {
    alertsite: portBase,
    klearstack: portBase + 1,
    opsramp: portBase + 2,
    aspnet: portBase + 3,
    github: portBase + 4,
    google: portBase + 5,
    salesforce: portBase + 6,
    okta: portBase + 7,
    entra: portBase + 8,
    auth0: portBase + 9,
    zoom: portBase + 10,
  };
}

/** A readable table of each provider's token URL, API base URL and credentials. */
export function formatEmulators(emulators: Emulators): string {
  const { alertsite, klearstack, opsramp, aspnet, github, google, salesforce, okta, entra } =
    emulators;
  const { auth0, zoom } = emulators;
  const rows: string[][] = [
    ['provider', 'token URL', 'API base URL', 'credentials'],
    [
      'alertsite',
      alertsite.tokenUrl,
      alertsite.apiBaseUrl,
      `username=${alertsite.credentials.username} password=${alertsite.credentials.password}`,
    ],
    [
      'klearstack',
      klearstack.tokenUrl,
      klearstack.apiBaseUrl,
      `username=${klearstack.credentials.username} password=${klearstack.credentials.password} company_name="${klearstack.credentials.companyName}"`,
    ],
    ['', `refresh: ${klearstack.refreshUrl}`, '', ''],
    ...opsramp.tenants.map((t, i) => [
      i === 0 ? 'opsramp' : '',
      i === 0 ? opsramp.tokenUrl : '',
      i === 0 ? opsramp.apiBaseUrl : '',
      `tenantId=${t.tenantId} client_id=${t.clientId} client_secret=${t.clientSecret}`,
    ]),
    [
      'aspnet',
      aspnet.tokenUrl,
      aspnet.apiBaseUrl,
      `username=${aspnet.credentials.username} password=${aspnet.credentials.password}`,
    ],
    [
      'github',
      github.tokenUrl,
      github.apiBaseUrl,
      `appId=${github.credentials.appId} installationId=${github.credentials.installationId} privateKey=(EMULATOR_CREDENTIALS.github.privateKey)`,
    ],
    [
      'google',
      google.tokenUrl,
      google.apiBaseUrl,
      `client_email=${google.credentials.client_email} scope=${google.scope} key file=(emulators.google.credentials)`,
    ],
    [
      'salesforce',
      salesforce.tokenUrl,
      salesforce.apiBaseUrl,
      `clientId=${salesforce.credentials.clientId} username=${salesforce.credentials.username} loginUrl=${salesforce.origin}/`,
    ],
    [
      'okta',
      okta.tokenUrl,
      okta.apiBaseUrl,
      `issuer=${okta.issuer} clientId=${okta.credentials.clientId} scopes=${okta.credentials.scopes.join(',')}`,
    ],
    [
      'entra',
      entra.tokenUrl,
      entra.apiBaseUrl,
      `authority=${entra.authority} tenantId=${entra.credentials.tenantId} clientId=${entra.credentials.clientId} clientSecret=${entra.credentials.clientSecret} scope=${entra.credentials.scope}`,
    ],
    [
      'auth0',
      auth0.tokenUrl,
      auth0.apiBaseUrl,
      `domain=${auth0.domain} clientId=${auth0.credentials.clientId} clientSecret=${auth0.credentials.clientSecret} audience=${auth0.credentials.audience}`,
    ],
    [
      'zoom',
      zoom.tokenUrl,
      zoom.apiBaseUrl,
      `accountId=${zoom.credentials.accountId} clientId=${zoom.credentials.clientId} clientSecret=${zoom.credentials.clientSecret}`,
    ],
  ];
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}
