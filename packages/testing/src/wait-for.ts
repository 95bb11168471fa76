/**
 * Polls `condition` every 10 ms until it holds; rejects when `timeoutMs` (default 5 s) passes
 * first. For waiting on something a server does in the background, such as an emulator noticing
 * that its client went away.
 *
 * @example
 * req.destroy();
 * await waitFor(() => emulators.alertsite.stats.abortedApiCalls === 1);
 */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
