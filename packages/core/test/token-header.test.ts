import { createAuthClient } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { fakeFlow } from './support/fake-flow.js';

/** AuthClient.mayReceiveToken and tokenHeader: what @auth/axios and @auth/undici build on. */
describe('AuthClient.mayReceiveToken', () => {
  const client = createAuthClient({
    baseUrl: 'https://api.example.com/v1/',
    allowedOrigins: ['https://files.example.com'],
    flow: fakeFlow(),
  });

  it('accepts the base URL origin (relative URLs too) and the allowed origins', () => {
    expect(client.mayReceiveToken('devices')).toBe(true);
    expect(client.mayReceiveToken('https://api.example.com/other')).toBe(true);
    expect(client.mayReceiveToken(new URL('https://files.example.com/f/1'))).toBe(true);
  });

  it('refuses any other origin: host, scheme or port differing', () => {
    expect(client.mayReceiveToken('https://evil.example.com/')).toBe(false);
    expect(client.mayReceiveToken('http://api.example.com/devices')).toBe(false);
    expect(client.mayReceiveToken('https://api.example.com:8443/devices')).toBe(false);
    expect(client.mayReceiveToken('https://sub.api.example.com/devices')).toBe(false);
  });
});

describe('AuthClient.tokenHeader', () => {
  it('writes `Bearer <token>` in authorization by default', async () => {
    const client = createAuthClient({ baseUrl: 'https://api.example.com/', flow: fakeFlow() });
    const token = await client.getToken();
    expect(client.tokenHeader(token)).toEqual({
      name: 'authorization',
      value: `Bearer ${token.accessToken}`,
    });
  });

  it('follows the header and scheme options (lower-case name, bare token)', async () => {
    const client = createAuthClient({
      baseUrl: 'https://api.example.com/',
      flow: fakeFlow(),
      header: 'X-Api-Key',
      scheme: '',
    });
    const token = await client.getToken();
    expect(client.tokenHeader(token)).toEqual({ name: 'x-api-key', value: token.accessToken });
  });
});
