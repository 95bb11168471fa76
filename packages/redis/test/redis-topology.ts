import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** Real Redis processes for one test file, on loopback ports, stopped by {@link dispose}. */
interface Processes {
  readonly dir: string;
  readonly children: ChildProcess[];
}

function processes(): Processes {
  return { dir: mkdtempSync(join(tmpdir(), 'auth-redis-')), children: [] };
}

async function dispose({ dir, children }: Processes): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A free loopback port whose cluster bus port (+10000) is free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

async function startServer(procs: Processes, port: number, args: string[]): Promise<void> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      procs.dir,
      ...args,
    ],
    { stdio: 'ignore' },
  );
  procs.children.push(child);
  await until(() => ping(port), 10_000, `redis-server on ${port} did not start`);
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Polls `condition` every 50 ms until it holds; throws `message` after `timeoutMs`. */
export async function until(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a command on one node with a short-lived connection. */
export async function command(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({ host: HOST, port, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    return await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** A Redis Cluster of 3 masters with one replica each. */
export interface TestCluster {
  /** Seed nodes for an ioredis `Cluster`. */
  readonly nodes: { host: string; port: number }[];
  /**
   * Fails the master of `key`'s slot over to its replica (`CLUSTER FAILOVER` on the replica,
   * coordinated: no acknowledged write is lost) and resolves when the replica is master.
   * Returns the old and new master ports.
   */
  failover(key: string): Promise<{ from: number; to: number }>;
  dispose(): Promise<void>;
}

/**
 * Starts 6 `redis-server --cluster-enabled yes` processes on loopback ports and joins them with
 * `redis-cli --cluster create --cluster-replicas 1`.
 */
export async function startRedisCluster(): Promise<TestCluster> {
  const procs = processes();
  try {
    const ports: number[] = [];
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      ports.push(port);
      await startServer(procs, port, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '2000',
      ]);
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `${HOST}:${p}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(
        async () => String(await command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        20_000,
        `cluster node ${port} not ok`,
      );
    }
    await until(
      async () => {
        const ranges = (await command(ports[0] as number, 'CLUSTER', 'SLOTS')) as unknown[][];
        return ranges.length === 3 && ranges.every((range) => range.length >= 4);
      },
      20_000,
      'the replicas did not join',
    );
    return {
      nodes: ports.map((port) => ({ host: HOST, port })),
      failover: async (key) => {
        const slot = Number(await command(ports[0] as number, 'CLUSTER', 'KEYSLOT', key));
        const ranges = (await command(ports[0] as number, 'CLUSTER', 'SLOTS')) as [
          number,
          number,
          ...[string, number, string][],
        ][];
        const range = ranges.find(([start, end]) => slot >= start && slot <= end);
        const master = range?.[2]?.[1];
        const replica = range?.[3]?.[1];
        if (master === undefined || replica === undefined)
          throw new Error(`no replica for slot ${slot}`);
        await until(
          async () =>
            String(await command(replica, 'INFO', 'replication')).includes('master_link_status:up'),
          10_000,
          'replica not in sync',
        );
        await command(replica, 'CLUSTER', 'FAILOVER');
        await until(
          async () => String(await command(replica, 'ROLE')).startsWith('master'),
          10_000,
          'the replica did not become master',
        );
        return { from: master, to: replica };
      },
      dispose: () => dispose(procs),
    };
  } catch (error) {
    await dispose(procs);
    throw error;
  }
}

/** One master, one replica and one sentinel monitoring them as `mymaster`. */
export interface TestSentinel {
  /** For ioredis' `sentinels` option. */
  readonly sentinels: { host: string; port: number }[];
  readonly name: string;
  /** `SENTINEL FAILOVER mymaster`; resolves when the sentinel reports the new master's port. */
  failover(): Promise<{ from: number; to: number }>;
  dispose(): Promise<void>;
}

/** Starts a master, a replica (`--replicaof`) and a sentinel (`redis-server sentinel.conf --sentinel`). */
export async function startRedisSentinel(): Promise<TestSentinel> {
  const procs = processes();
  const name = 'mymaster';
  try {
    const master = await freePort();
    await startServer(procs, master, []);
    const replica = await freePort();
    await startServer(procs, replica, ['--replicaof', HOST, String(master)]);
    const sentinel = await freePort();
    const config = join(procs.dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinel}`,
        `bind ${HOST}`,
        `dir ${procs.dir}`,
        `sentinel monitor ${name} ${HOST} ${master} 1`,
        `sentinel down-after-milliseconds ${name} 2000`,
        `sentinel failover-timeout ${name} 10000`,
        '',
      ].join('\n'),
    );
    const child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    procs.children.push(child);
    await until(() => ping(sentinel), 10_000, 'sentinel did not start');
    const masterPort = async () =>
      Number(
        ((await command(sentinel, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[])[1],
      );
    return {
      sentinels: [{ host: HOST, port: sentinel }],
      name,
      failover: async () => {
        const from = await masterPort();
        // The sentinel needs to know an in-sync replica first (it learns them from the master's INFO).
        await until(
          async () =>
            String(
              await command(from === master ? replica : master, 'INFO', 'replication'),
            ).includes('master_link_status:up') &&
            ((await command(sentinel, 'SENTINEL', 'REPLICAS', name)) as unknown[]).length > 0,
          20_000,
          'sentinel knows no in-sync replica',
        );
        await until(
          () =>
            command(sentinel, 'SENTINEL', 'FAILOVER', name).then(
              () => true,
              () => false, // NOGOODSLAVE while the sentinel still checks the replica
            ),
          20_000,
          'SENTINEL FAILOVER refused',
        );
        await until(async () => (await masterPort()) !== from, 20_000, 'no new master');
        return { from, to: await masterPort() };
      },
      dispose: () => dispose(procs),
    };
  } catch (error) {
    await dispose(procs);
    throw error;
  }
}
