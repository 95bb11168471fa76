import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_API_DATA, type Emulators, startEmulators } from '../src/index.js';
import { loginRequest, withBearer } from './helpers.js';

describe('EMULATOR_API_DATA', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(() => emulators.close());

  /** The API path each provider's entry describes, relative to its `apiBaseUrl`. */
  const apiPath = {
    alertsite: 'devices',
    klearstack: 'documents',
    opsramp: 'api/v2/tenants/client_1234/alerts/search',
    aspnet: 'me',
  } as const;

  it.each(Object.keys(apiPath) as (keyof typeof apiPath)[])(
    'is what the %s API answers',
    async (name) => {
      const emulator = emulators[name];
      const login = await fetch(emulator.tokenUrl, loginRequest(emulators, name));
      const { access_token } = (await login.json()) as { access_token: string };
      const res = await fetch(`${emulator.apiBaseUrl}${apiPath[name]}`, withBearer(access_token));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(EMULATOR_API_DATA[name]);
    },
  );

  it('cannot be changed by a test', () => {
    expect(Object.isFrozen(EMULATOR_API_DATA)).toBe(true);
    expect(Object.isFrozen(EMULATOR_API_DATA.alertsite.results[0])).toBe(true);
    expect(Object.isFrozen(EMULATOR_API_DATA.opsramp.results)).toBe(true);
  });
});
