import { EMULATOR_CREDENTIALS } from './credentials.js';

/**
 * What each emulator's API answers to an authorized request: fixed data, the same in every run.
 * For asserting what a client (or an app relaying it) received.
 *
 * - `alertsite`: `GET <apiBaseUrl>devices`
 * - `klearstack`: `GET <apiBaseUrl>documents`
 * - `opsramp`: `GET /api/v2/tenants/{tenantId}/alerts/search` (an empty page, for either tenant)
 * - `aspnet`: `GET <apiBaseUrl>me`
 * - `github`: `GET /installation/repositories`
 * - `google`: `GET /storage/v1/b`
 * - `salesforce`: `GET /services/data/v62.0/sobjects`
 * - `okta`: `GET /api/v1/users`
 * - `entra`: `GET /v1.0/organization`
 * - `auth0`: `GET /api/reports`
 * - `zoom`: `GET /v2/users/me`
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
  github: Object.freeze({
    total_count: 1,
    repositories: Object.freeze([Object.freeze({ id: 1296269, full_name: 'octocat/Hello-World' })]),
  }),
  google: Object.freeze({
    kind: 'storage#buckets',
    items: Object.freeze([
      Object.freeze({ kind: 'storage#bucket', name: 'auth-emulators-reports' }),
    ]),
  }),
  salesforce: Object.freeze({
    encoding: 'UTF-8',
    sobjects: Object.freeze([Object.freeze({ name: 'Account', label: 'Account' })]),
  }),
  okta: Object.freeze([
    Object.freeze({
      id: '00u1emulator',
      status: 'ACTIVE',
      profile: Object.freeze({ login: 'ada@example.com' }),
    }),
  ]),
  entra: Object.freeze({
    value: Object.freeze([
      Object.freeze({ id: EMULATOR_CREDENTIALS.entra.tenantId, displayName: 'Contoso' }),
    ]),
  }),
  auth0: Object.freeze({
    reports: Object.freeze([Object.freeze({ id: 'r-1', name: 'Weekly usage' })]),
  }),
  zoom: Object.freeze({ id: 'KDcuGIm1QgePTO8WbOqwIQ', email: 'owner@example.com', type: 2 }),
});
