import { AuthError, createAuthClients, presets } from '@auth/core';
import {
  AuthClients,
  AuthClientsModule,
  InjectAuthClient,
  PROBLEM_CONTENT_TYPE,
} from '@auth/nestjs';
import { type Emulators, startEmulators } from '@auth/testing';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  Module,
  type Type,
  UseFilters,
} from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturingLogger, PLATFORMS, type Platform, startApp } from './support.js';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await emulators?.close();
});

const WRONG_PASSWORD = 'wr0ng-secret-password';

const PROBLEM = {
  type: 'about:blank',
  title: 'Bad Gateway',
  status: 502,
  detail: 'Could not obtain an access token from an upstream provider',
};

function createClients() {
  const { alertsite, klearstack } = emulators;
  return createAuthClients({
    wrong: {
      ...presets.alertsite({
        baseUrl: alertsite.apiBaseUrl,
        username: alertsite.credentials.username,
        password: WRONG_PASSWORD,
      }),
      // No second login within a test: every request after the failure shares it.
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    },
    klearstack: presets.klearstack({ baseUrl: `${klearstack.origin}/`, ...klearstack.credentials }),
  });
}
type Clients = ReturnType<typeof createClients>;

/** Answers AuthError its own way: what an app does instead of the module's filter. */
@Catch(AuthError)
class ServiceUnavailableFilter implements ExceptionFilter {
  catch(error: AuthError, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse();
    const body = JSON.stringify({ mine: error.code });
    // Express: status().send(); Fastify: code().send().
    if (typeof response.code === 'function') response.code(503).send(body);
    else response.status(503).send(body);
  }
}

function appModule(clients: Clients, options: { exceptionFilter?: boolean } = {}): Type {
  @Controller()
  class TestController {
    constructor(@InjectAuthClient('wrong') private readonly wrong: Clients['wrong']) {}

    @Get('wrong')
    async wrongCredentials(@AuthClients() c: Clients) {
      return (await c.wrong.fetch('devices')).json();
    }

    @Get('service')
    async service() {
      return (await this.wrong.fetch('devices')).json();
    }

    @Get('klearstack')
    async klearstack(@AuthClients() c: Clients) {
      return (await c.klearstack.fetch('documents')).json();
    }

    @Get('other')
    other() {
      throw new Error('not an auth error');
    }

    @Get('own-filter')
    @UseFilters(ServiceUnavailableFilter)
    async ownFilter(@AuthClients() c: Clients) {
      return (await c.wrong.fetch('devices')).json();
    }
  }

  @Module({
    imports: [AuthClientsModule.forRoot({ clients, ...options })],
    controllers: [TestController],
  })
  class AppModule {}
  return AppModule;
}

/** The lines the module logged about failed token requests. */
function failureLines(logger: CapturingLogger): string[] {
  return logger.lines.filter((line) => line.includes('Token request failed'));
}

describe.each(PLATFORMS)('token failures on %s', (platform: Platform) => {
  it('answer 502 with a safe problem-details body (wrong credentials)', async () => {
    const { app, url, logger } = await startApp(appModule(createClients()), platform);
    try {
      for (const path of ['/wrong', '/service']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status).toBe(502);
        expect(res.headers.get('content-type')?.startsWith(PROBLEM_CONTENT_TYPE)).toBe(true);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ ...PROBLEM, code: 'TOKEN_ENDPOINT_REJECTED' });
        expect(text).not.toContain(WRONG_PASSWORD);
      }
      const lines = failureLines(logger);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^error Token request failed for client "wrong" \(flow jsonCredentials\): TOKEN_ENDPOINT_REJECTED, status 401; callers get the error; next attempt in \d+(\.\d)?s\b.*AuthClients/,
      );
      expect(logger.text()).not.toContain(WRONG_PASSWORD);
    } finally {
      await app.close();
    }
  });

  it('log 100 requests waiting on 1 failed login as 1 line', async () => {
    const { app, url, logger } = await startApp(appModule(createClients()), platform);
    const attempts = emulators.alertsite.stats.tokenAttempts;
    try {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, async () => (await fetch(`${url}/wrong`)).status),
      );
      expect(statuses.filter((status) => status === 502)).toHaveLength(100);
      expect(emulators.alertsite.stats.tokenAttempts - attempts).toBe(1);
      // One line in all: nothing per request.
      const warnings = logger.lines.filter((line) => /^(warn|error) /.test(line));
      expect(warnings).toHaveLength(1);
      expect(warnings).toEqual(failureLines(logger));
    } finally {
      await app.close();
    }
  });

  it('answer 502 when the token endpoint fails (500)', async () => {
    const { app, url, logger } = await startApp(appModule(createClients()), platform);
    emulators.klearstack.fault('error500');
    try {
      const res = await fetch(`${url}/klearstack`);
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ ...PROBLEM, code: 'TOKEN_ENDPOINT_REJECTED' });
      const { password } = emulators.klearstack.credentials;
      expect(text).not.toContain(password);
      expect(logger.text()).not.toContain(password);
    } finally {
      emulators.klearstack.fault(null);
      await app.close();
    }
  });

  it('leave other errors to Nest', async () => {
    const { app, url } = await startApp(appModule(createClients()), platform);
    try {
      const res = await fetch(`${url}/other`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
    } finally {
      await app.close();
    }
  });

  it('give way to a filter the app binds to a controller or method', async () => {
    const { app, url } = await startApp(appModule(createClients()), platform);
    try {
      const res = await fetch(`${url}/own-filter`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ mine: 'TOKEN_ENDPOINT_REJECTED' });
    } finally {
      await app.close();
    }
  });

  it('reach Nest untouched with exceptionFilter: false', async () => {
    const module = appModule(createClients(), { exceptionFilter: false });
    const { app, url, logger } = await startApp(module, platform);
    try {
      const res = await fetch(`${url}/wrong`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(logger.text()).not.toContain(WRONG_PASSWORD);
    } finally {
      await app.close();
    }
  });
});
