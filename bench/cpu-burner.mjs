// Keeps one core busy until it is stopped (scenario 3: expiry under load on a busy machine).
// Burns in slices so that it still hears SIGTERM and the parent's disconnect.
process.once('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
const burn = () => {
  const until = Date.now() + 50;
  while (Date.now() < until) {}
  setImmediate(burn);
};
burn();
