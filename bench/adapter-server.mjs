// One demo app in its own process, for scenario 5 (adapter overhead).
//
//   node adapter-server.mjs <nestjs|koa|hono|express|fastify> <with|without> <port>
//
// Builds apps/demo-<adapter> (its built dist/, imported by path: the bench does not depend on the
// apps) with or without the adapter, listens on 127.0.0.1:<port>, and sends { type: 'ready' } over
// IPC when forked (or prints a line); then answers { type: 'cpu' } with its process.cpuUsage().
// Only `GET /ping` is driven, which touches no client, so no upstream is needed. Exits on
// SIGTERM/SIGINT or when the parent disconnects.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [adapter, variant, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (
  ![
    'nestjs',
    'koa',
    'hono',
    'hono-noop-middleware',
    'express',
    'express-noop-middleware',
    'fastify',
  ].includes(adapter) ||
  !['with', 'without'].includes(variant) ||
  !Number.isInteger(port)
) {
  console.error(
    'usage: node adapter-server.mjs <nestjs|koa|hono|hono-noop-middleware|express|express-noop-middleware|fastify> <with|without> <port>',
  );
  process.exit(2);
}
const withAdapter = variant === 'with';
const dist = (app, file) => new URL(`../apps/${app}/dist/${file}`, import.meta.url);

async function importDist(app, file) {
  const url = dist(app, file);
  if (!existsSync(url)) throw new Error(`apps/${app}/dist/${file} not found: build it first`);
  return import(url.href);
}

/** A dependency of one of the apps (the bench does not depend on the frameworks). */
function importFrom(app, name) {
  const require = createRequire(new URL(`../apps/${app}/package.json`, import.meta.url));
  return import(pathToFileURL(require.resolve(name)).href);
}

/** Each app's own factory; returns { close() } once listening. */
const starters = {
  async koa() {
    const { demoConfigFromEnv } = await importDist('demo-config', 'index.js');
    const { createDemoApp } = await importDist('demo-koa', 'app.js');
    const { app, clients } = createDemoApp(demoConfigFromEnv({}), { adapter: withAdapter });
    const server = app.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return {
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await clients.close();
      },
    };
  },
  async hono() {
    const { demoConfigFromEnv } = await importDist('demo-config', 'index.js');
    const { startDemoServer } = await importDist('demo-hono', 'server.js');
    const server = await startDemoServer({
      config: demoConfigFromEnv({}),
      adapter: withAdapter,
      port,
      hostname: '127.0.0.1',
      graceMs: 0,
    });
    return { close: () => server.close() };
  },
  /** The Hono floor: a bare app, with one no-op middleware or none, serving the same `/ping`. */
  async 'hono-noop-middleware'() {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const app = new Hono();
    if (withAdapter) app.use(async (_c, next) => next());
    app.get('/ping', (c) => c.text('pong'));
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
    await once(server, 'listening');
    return {
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections?.();
          server.close(() => resolve());
        }),
    };
  },
  async express() {
    const { createDemoClients, demoConfigFromEnv } = await importDist('demo-config', 'index.js');
    const { createDemoApp } = await importDist('demo-express', 'app.js');
    const clients = createDemoClients(demoConfigFromEnv({}));
    const server = createDemoApp(clients, { adapter: withAdapter }).listen(port, '127.0.0.1');
    await once(server, 'listening');
    return {
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await clients.close();
      },
    };
  },
  /** The Express floor: the demo's `/ping` on a bare app, with the adapter's two layers as no-ops or none. */
  async 'express-noop-middleware'() {
    const { default: express } = await importFrom('demo-express', 'express');
    const app = express();
    if (withAdapter) app.use((_req, _res, next) => next());
    app.get('/ping', (_req, res) => {
      res.type('text/plain').send('pong');
    });
    if (withAdapter) app.use((error, _req, _res, next) => next(error));
    const server = app.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return {
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  },
  async fastify() {
    const { createDemoClients, demoConfigFromEnv } = await importDist('demo-config', 'index.js');
    const { createDemoApp } = await importDist('demo-fastify', 'app.js');
    const clients = createDemoClients(demoConfigFromEnv({}));
    const app = await createDemoApp(clients, { adapter: withAdapter });
    await app.listen({ port, host: '127.0.0.1' });
    return {
      async close() {
        await app.close();
        await clients.close();
      },
    };
  },
  async nestjs() {
    const { demoConfigFromEnv } = await importDist('demo-config', 'index.js');
    const { createDemoApp } = await importDist('demo-nestjs', 'app.js');
    // Default platform (Express); Nest's logger off so that startup lines do not mix into the report.
    const { app } = await createDemoApp({
      config: demoConfigFromEnv({}),
      adapter: withAdapter,
      logger: false,
    });
    await app.listen(port, '127.0.0.1');
    return { close: () => app.close() };
  },
};

let server;
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 2_000);
  force.unref();
  await server?.close().catch(() => {});
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
if (process.send) process.once('disconnect', stop);

try {
  server = await starters[adapter]();
} catch (error) {
  if (process.send) {
    process.send({ type: 'error', message: String(error?.message ?? error) }, () =>
      process.exit(1),
    );
  } else {
    console.error(error);
    process.exit(1);
  }
}
if (process.send) {
  // CPU time of this process, so that the bench can compute CPU per request for each slice.
  process.on('message', (message) => {
    if (message?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  });
  process.send({ type: 'ready', port });
} else console.log(`${adapter} (${variant} adapter) listening on http://127.0.0.1:${port}`);
