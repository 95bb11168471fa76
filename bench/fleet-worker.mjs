// One instance of a service fleet (scenario 4). Forked by run.mjs; waits for
//   { type: 'run', contender, target,
//     store: { kind: 'memory' } | { kind: 'redis', url, prefix } | { kind: 'redis-cluster', nodes, prefix },
//     concurrency, durationMs, startAt }
// builds the contender, runs `concurrency` callers until the deadline (all workers start at
// `startAt`), closes the contender and answers { type: 'result', result }. Exits on SIGTERM or when
// the parent disconnects.
import { RedisTokenStore } from '@auth/redis';
import { Cluster } from 'ioredis';
import { createContender } from './lib/contenders.mjs';
import { runLoad } from './lib/load.mjs';

async function run({ contender, target, store, concurrency, durationMs, startAt }) {
  const options = {};
  let cluster;
  if (store?.kind === 'redis') {
    options.store = new RedisTokenStore({ redis: store.url, prefix: store.prefix });
  } else if (store?.kind === 'redis-cluster') {
    cluster = new Cluster(store.nodes);
    cluster.on('error', () => {});
    options.store = new RedisTokenStore({ redis: cluster, prefix: store.prefix });
  }
  const instance = await createContender(contender, target, options);
  try {
    return await runLoad(instance.call, { concurrency, durationMs, startAt });
  } finally {
    await instance.close();
    cluster?.disconnect(); // borrowed by the store: closing the store leaves it open
  }
}

process.on('message', (message) => {
  if (message?.type !== 'run') return;
  run(message).then(
    (result) => process.send({ type: 'result', result }),
    (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
  );
});
process.once('SIGTERM', () => process.exit(0));
process.once('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
