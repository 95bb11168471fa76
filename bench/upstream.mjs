// Upstream emulators in their own process, so that the server side of every call never competes
// with the contenders for the bench process' event loop.
//
//   node upstream.mjs [--opsramp-lifetime=S] [--aspnet-lifetime=S]
//
// Starts startEmulators({ lifetimes }) from @auth/testing plus a small control server on another
// loopback port:  GET /stats -> every provider's counters as JSON;  POST /reset -> zero them.
// When forked, it sends { type: 'ready', info } over IPC; otherwise it prints the info as one JSON
// line. It exits on SIGTERM/SIGINT and when the parent disconnects.
import { createServer } from 'node:http';
import { startEmulators } from '@auth/testing';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [key, value = 'true'] = a.slice(2).split('=');
      return [key, value];
    }),
);
const lifetimes = {};
if (args['opsramp-lifetime']) lifetimes.opsramp = Number(args['opsramp-lifetime']);
if (args['aspnet-lifetime']) lifetimes.aspnet = Number(args['aspnet-lifetime']);

const emulators = await startEmulators({ lifetimes });

/** Counters without `lastTokenRequest` (it holds the secrets that were sent). */
function statsOf(emulator) {
  const { lastTokenRequest: _secret, ...counters } = emulator.stats;
  return structuredClone(counters);
}

const control = createServer((req, res) => {
  req.resume();
  const reply = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  if (req.method === 'GET' && req.url === '/stats') {
    return reply(200, Object.fromEntries(emulators.all.map((e) => [e.name, statsOf(e)])));
  }
  if (req.method === 'POST' && req.url === '/reset') {
    for (const e of emulators.all) e.resetStats();
    return reply(200, { ok: true });
  }
  if (req.method === 'POST' && req.url === '/revoke') {
    for (const e of emulators.all) e.revokeAll();
    return reply(200, { ok: true });
  }
  reply(404, { error: 'not_found' });
});
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

const describe = (e) => ({
  origin: e.origin,
  tokenUrl: e.tokenUrl,
  apiBaseUrl: e.apiBaseUrl,
  credentials: e.credentials,
});
const info = {
  control: `http://127.0.0.1:${control.address().port}`,
  lifetimes,
  opsramp: describe(emulators.opsramp),
  aspnet: describe(emulators.aspnet),
  alertsite: describe(emulators.alertsite),
  klearstack: describe(emulators.klearstack),
};

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  control.closeAllConnections();
  await Promise.all([new Promise((r) => control.close(r)), emulators.close()]);
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
if (process.send) {
  process.once('disconnect', stop);
  process.send({ type: 'ready', info });
} else {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}
