/**
 * The seven vendor presets on their emulators, right and wrong, shared by the vendor tests. One
 * fake clock drives the emulators, the clients and the assertions they sign.
 */
import { generateKeyPairSync } from 'node:crypto';
import { type AuthClientOptions, type AuthErrorCode, presets } from '@auth/core';
import {
  EMULATOR_API_DATA,
  type Emulators,
  type ProviderEmulator,
  startEmulators,
} from '@auth/testing';
import { afterAll, beforeAll } from 'vitest';
import { manualClock } from './fake-flow.js';

/** Short token lifetime of every emulator, seconds. */
export const LIFETIME = 15;
/** The clock of the emulators, the clients and the assertions. */
export const clock = manualClock(Date.now());
/** The running emulators (set by {@link useVendorEmulators}). */
export const env = { emulators: undefined as unknown as Emulators };

/** Starts the emulators, every vendor's tokens living {@link LIFETIME} seconds, for one test file. */
export function useVendorEmulators(): void {
  beforeAll(async () => {
    const lifetimes = Object.fromEntries(
      ['github', 'google', 'salesforce', 'okta', 'entra', 'auth0', 'zoom'].map((n) => [
        n,
        LIFETIME,
      ]),
    );
    env.emulators = await startEmulators({ now: clock.now, lifetimes });
  });
  afterAll(() => env.emulators.close());
}

/** A fresh RSA key no vendor knows (PKCS#8 PEM). */
export const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

export interface VendorCase {
  emulator: () => ProviderEmulator;
  /** The preset's options with the emulator's credentials. */
  options: () => AuthClientOptions;
  /** The same with a wrong key or secret, the code it fails with and the secrets to look for. */
  wrong: () => { options: AuthClientOptions; code: AuthErrorCode; secrets: string[] };
  /** An API path relative to the preset's base URL, and what it answers. */
  path: string;
  data: () => unknown;
}

/** Each vendor preset on its emulator, right and wrong. */
export const VENDORS: Record<string, VendorCase> = {
  githubApp: {
    emulator: () => env.emulators.github,
    options: () =>
      presets.githubApp({
        ...env.emulators.github.credentials,
        baseUrl: env.emulators.github.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.githubApp({
        ...env.emulators.github.credentials,
        privateKey: strangerKey,
        baseUrl: env.emulators.github.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'installation/repositories',
    data: () => EMULATOR_API_DATA.github,
  },
  googleServiceAccount: {
    emulator: () => env.emulators.google,
    options: () =>
      presets.googleServiceAccount({
        credentials: env.emulators.google.credentials,
        scopes: [env.emulators.google.scope],
        baseUrl: env.emulators.google.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.googleServiceAccount({
        credentials: { ...env.emulators.google.credentials, private_key: strangerKey },
        scopes: [env.emulators.google.scope],
        baseUrl: env.emulators.google.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'b',
    data: () => EMULATOR_API_DATA.google,
  },
  'entraId (certificate)': {
    emulator: () => env.emulators.entra,
    options: () => {
      const { tenantId, clientId, privateKey, certificate, scope } =
        env.emulators.entra.credentials;
      return presets.entraId({
        tenantId,
        clientId,
        certificate: { privateKey, certificate },
        scope,
        authority: env.emulators.entra.authority,
        baseUrl: env.emulators.entra.apiBaseUrl,
        now: clock.now,
      });
    },
    wrong: () => {
      const { tenantId, clientId, certificate, scope } = env.emulators.entra.credentials;
      return {
        options: presets.entraId({
          tenantId,
          clientId,
          certificate: { privateKey: strangerKey, certificate },
          scope,
          authority: env.emulators.entra.authority,
          baseUrl: env.emulators.entra.apiBaseUrl,
          now: clock.now,
        }),
        code: 'CLIENT_AUTH_REJECTED',
        secrets: [strangerKey, strangerKey.split('\n')[3] as string],
      };
    },
    path: 'organization',
    data: () => EMULATOR_API_DATA.entra,
  },
  'entraId (secret)': {
    emulator: () => env.emulators.entra,
    options: () => {
      const { tenantId, clientId, clientSecret, scope } = env.emulators.entra.credentials;
      return presets.entraId({
        tenantId,
        clientId,
        clientSecret,
        scope,
        authority: env.emulators.entra.authority,
        baseUrl: env.emulators.entra.apiBaseUrl,
        now: clock.now,
      });
    },
    wrong: () => {
      const { tenantId, clientId, scope } = env.emulators.entra.credentials;
      return {
        options: presets.entraId({
          tenantId,
          clientId,
          clientSecret: 'wrong-entra-secret~Zz9',
          scope,
          authority: env.emulators.entra.authority,
          baseUrl: env.emulators.entra.apiBaseUrl,
          now: clock.now,
        }),
        code: 'TOKEN_ENDPOINT_REJECTED',
        secrets: ['wrong-entra-secret~Zz9'],
      };
    },
    path: 'organization',
    data: () => EMULATOR_API_DATA.entra,
  },
  salesforce: {
    emulator: () => env.emulators.salesforce,
    options: () =>
      presets.salesforce({
        ...env.emulators.salesforce.credentials,
        instanceUrl: env.emulators.salesforce.origin,
        loginUrl: env.emulators.salesforce.origin,
        lifetimeSeconds: LIFETIME,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.salesforce({
        ...env.emulators.salesforce.credentials,
        privateKey: strangerKey,
        instanceUrl: env.emulators.salesforce.origin,
        loginUrl: env.emulators.salesforce.origin,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'services/data/v62.0/sobjects',
    data: () => EMULATOR_API_DATA.salesforce,
  },
  auth0: {
    emulator: () => env.emulators.auth0,
    options: () =>
      presets.auth0({
        ...env.emulators.auth0.credentials,
        domain: env.emulators.auth0.domain,
        baseUrl: env.emulators.auth0.apiBaseUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.auth0({
        ...env.emulators.auth0.credentials,
        clientSecret: 'wrong-auth0-secret-Kq1',
        domain: env.emulators.auth0.domain,
        baseUrl: env.emulators.auth0.apiBaseUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: ['wrong-auth0-secret-Kq1'],
    }),
    path: 'reports',
    data: () => EMULATOR_API_DATA.auth0,
  },
  okta: {
    emulator: () => env.emulators.okta,
    options: () =>
      presets.okta({
        ...env.emulators.okta.credentials,
        issuer: env.emulators.okta.issuer,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.okta({
        ...env.emulators.okta.credentials,
        privateKey: strangerKey,
        issuer: env.emulators.okta.issuer,
        now: clock.now,
      }),
      code: 'CLIENT_AUTH_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'users',
    data: () => EMULATOR_API_DATA.okta,
  },
  'okta (DPoP)': {
    emulator: () => env.emulators.okta,
    options: () =>
      presets.okta({
        ...env.emulators.okta.credentials,
        issuer: env.emulators.okta.issuer,
        dpop: true,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.okta({
        ...env.emulators.okta.credentials,
        privateKey: strangerKey,
        issuer: env.emulators.okta.issuer,
        dpop: true,
        now: clock.now,
      }),
      code: 'CLIENT_AUTH_REJECTED',
      secrets: [strangerKey, strangerKey.split('\n')[3] as string],
    }),
    path: 'users',
    data: () => EMULATOR_API_DATA.okta,
  },
  zoom: {
    emulator: () => env.emulators.zoom,
    options: () =>
      presets.zoom({
        ...env.emulators.zoom.credentials,
        baseUrl: env.emulators.zoom.apiBaseUrl,
        tokenUrl: env.emulators.zoom.tokenUrl,
        now: clock.now,
      }),
    wrong: () => ({
      options: presets.zoom({
        ...env.emulators.zoom.credentials,
        clientSecret: 'wrong-zoom-secret-Jd8',
        baseUrl: env.emulators.zoom.apiBaseUrl,
        tokenUrl: env.emulators.zoom.tokenUrl,
        now: clock.now,
      }),
      code: 'TOKEN_ENDPOINT_REJECTED',
      secrets: ['wrong-zoom-secret-Jd8'],
    }),
    path: 'users/me',
    data: () => EMULATOR_API_DATA.zoom,
  },
};
