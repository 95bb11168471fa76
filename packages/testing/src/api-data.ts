import { EMULATOR_CREDENTIALS } from './credentials.js';

/**
 * What each emulator's API answers to an authorized request: fixed data, the same in every run.
 * For asserting what a client (or an app relaying it) received.
 *
 * - `alertsite`: `GET <apiBaseUrl>devices`
 * - `klearstack`: `GET <apiBaseUrl>documents`
 * - `opsramp`: `GET /api/v2/tenants/{tenantId}/alerts/search` (an empty page, for either tenant)
 * - `aspnet`: `GET <apiBaseUrl>me`
 *
 * @example
 * const res = await clients.alertsite.fetch('devices');
 * expect(await res.json()).toEqual(EMULATOR_API_DATA.alertsite);
 */
export const EMULATOR_API_DATA = Object.freeze({
  alertsite: Object.freeze({
    results: Object.freeze([
      Object.freeze({ id: 1, name: 'web-1' }),
      Object.freeze({ id: 2, name: 'web-2' }),
      Object.freeze({ id: 3, name: 'db-1' }),
    ]),
  }),
  klearstack: Object.freeze({
    documents: Object.freeze([
      Object.freeze({ id: 101, file_name: 'invoice-0001.pdf', status: 'processed' }),
      Object.freeze({ id: 102, file_name: 'invoice-0002.pdf', status: 'in_review' }),
    ]),
  }),
  opsramp: Object.freeze({
    results: Object.freeze([]),
    totalResults: 0,
    pageNo: 1,
    pageSize: 100,
    totalPages: 0,
    nextPage: false,
    descendingOrder: false,
  }),
  aspnet: Object.freeze({
    userName: EMULATOR_CREDENTIALS.aspnet.username,
    userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
    role: 'Administrator',
  }),
});
