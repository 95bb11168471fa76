import type { DemoClientName } from '@auth/demo-config';
import { EMULATOR_CREDENTIALS } from '@auth/testing';

/** What each provider route answers with the emulators' data (the emulators are the source). */
export const EXPECTED_BODIES: Record<Exclude<DemoClientName, 'opsrampTenants'>, unknown> = {
  alertsite: {
    results: [
      { id: 1, name: 'web-1' },
      { id: 2, name: 'web-2' },
      { id: 3, name: 'db-1' },
    ],
  },
  klearstack: {
    documents: [
      { id: 101, file_name: 'invoice-0001.pdf', status: 'processed' },
      { id: 102, file_name: 'invoice-0002.pdf', status: 'in_review' },
    ],
  },
  opsramp: expectAlerts(),
  aspnet: {
    userName: EMULATOR_CREDENTIALS.aspnet.username,
    userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
    role: 'Administrator',
  },
};

/** OpsRamp's (empty) alert search page. */
export function expectAlerts() {
  return {
    results: [],
    totalResults: 0,
    pageNo: 1,
    pageSize: 100,
    totalPages: 0,
    nextPage: false,
    descendingOrder: false,
  };
}

/** Every secret the emulators accept: none may appear in an answer. */
export const SECRETS: readonly string[] = [
  EMULATOR_CREDENTIALS.alertsite.password,
  EMULATOR_CREDENTIALS.klearstack.password,
  EMULATOR_CREDENTIALS.aspnet.password,
  ...EMULATOR_CREDENTIALS.opsramp.tenants.map((t) => t.clientSecret),
];

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
