/**
 * Suite-wide, loaded by every test project (vitest.shared.ts `setupFiles`): clients without a
 * store share their tokens process-wide when their cache keys are equal (one token per account).
 * Tests build their registries afresh against the same emulators, so after each test the clients
 * built so far stop being found by later ones: every test starts with no shared token, as a new
 * process would. Sharing within a test is untouched.
 */
import { afterEach } from 'vitest';
import { forgetSharedEntries } from '../packages/core/src/engine/shared-entries.js';

afterEach(() => {
  forgetSharedEntries();
});
