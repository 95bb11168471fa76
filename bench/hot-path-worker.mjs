// Scenario 1 on another Node version: forked by the bench on that version's binary, it runs the
// same rounds against the bench's upstream process and sends the result back.
//   IPC in: { type: 'run', info, cfg }   out: { type: 'ready' }, { type: 'log', line }, { type: 'result', result }
import { upstreamControl } from './lib/children.mjs';
import { hotPathRounds } from './lib/hot-path.mjs';

process.on('message', async (message) => {
  if (message?.type !== 'run') return;
  try {
    const log = (line) => process.send({ type: 'log', line });
    const result = await hotPathRounds(upstreamControl(message.info), message.cfg, log);
    process.send({ type: 'result', result });
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
process.once('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
