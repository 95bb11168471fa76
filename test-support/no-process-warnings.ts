/**
 * Suite-wide check, loaded by every test project (vitest.shared.ts `setupFiles`): any process
 * warning emitted while a test file runs (`MaxListenersExceededWarning`, deprecations, unhandled
 * rejections reported as warnings...) fails that file.
 */
import { afterAll } from 'vitest';

const warnings: string[] = [];
process.on('warning', (warning) => {
  warnings.push(`${warning.name}: ${warning.message}`);
});

afterAll(() => {
  if (warnings.length > 0) {
    throw new Error(`process warning(s) while this file ran:\n${warnings.join('\n')}`);
  }
});
