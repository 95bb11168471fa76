// One fresh process of scenarios 7 and 8. Prints one JSON line and exits:
//   node startup-probe.mjs bare                      nothing imported (the bare `node` baseline)
//   node startup-probe.mjs import <specifier>        { importMs }: `await import(specifier)`
//   node startup-probe.mjs first-call <id> <target>  { firstCallMs, importMs }: import, one
//       authenticated GET with the body read; `firstCallMs` counts from the process' time origin
// Imports are dynamic so that nothing but what is measured is loaded.
import { performance } from 'node:perf_hooks';

const [mode, arg, targetJson] = process.argv.slice(2);

/** The first authenticated call of contender `id`, from nothing loaded. */
const firstCall = {
  async ours(target) {
    const { createAuthClients, flows } = await import('@auth/core');
    const importMs = performance.now() - t0;
    const clients = createAuthClients({
      api: {
        baseUrl: target.baseUrl,
        flow: flows.clientCredentials({
          tokenUrl: target.tokenUrl,
          clientId: target.clientId,
          clientSecret: target.clientSecret,
        }),
      },
    });
    const res = await clients.api.fetch(target.path);
    await res.arrayBuffer();
    return { importMs, status: res.status };
  },
  async openid(target) {
    const oidc = await import('openid-client');
    const importMs = performance.now() - t0;
    const origin = new URL(target.tokenUrl).origin;
    const config = new oidc.Configuration(
      { issuer: origin, token_endpoint: target.tokenUrl },
      target.clientId,
      undefined,
      oidc.ClientSecretPost(target.clientSecret),
    );
    oidc.allowInsecureRequests(config);
    const token = await oidc.clientCredentialsGrant(config);
    const res = await fetch(new URL(target.path, target.baseUrl), {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    await res.arrayBuffer();
    return { importMs, status: res.status };
  },
};

const t0 = performance.now();
let result;
if (mode === 'bare') result = {};
else if (mode === 'import') {
  await import(arg);
  result = { importMs: performance.now() - t0 };
} else if (mode === 'first-call') {
  result = await firstCall[arg](JSON.parse(targetJson));
  result.firstCallMs = performance.now();
} else throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
