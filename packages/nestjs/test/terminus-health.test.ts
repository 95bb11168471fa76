/**
 * The README's readiness indicator, in a real Nest app with `@nestjs/terminus`: `clients.status()`
 * decides `up` / `down`, and the answer carries no secret.
 */
import { createAuthClients, presets } from '@auth/core';
import { type AuthClients, AuthClientsModule, InjectAuthClients } from '@auth/nestjs';
import { type Emulators, startEmulators } from '@auth/testing';
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp } from './support.js';

@Injectable()
class AuthClientsHealthIndicator {
  constructor(
    @InjectAuthClients() private readonly clients: AuthClients,
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'authClients') {
    const indicator = this.health.check(key);
    const rows = this.clients.status();
    const failing = rows.filter((row) => row.state === 'failing');
    if (failing.some((row) => row.expiresInMs === undefined)) {
      return indicator.down({ clients: rows });
    }
    if (failing.length > 0) return indicator.degraded({ clients: rows });
    return indicator.up({ clients: rows });
  }
}

@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(AuthClientsHealthIndicator) private readonly authClients: AuthClientsHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.authClients.check()]);
  }
}

const WRONG_PASSWORD = 'wr0ng-terminus-password';
let emulators: Emulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  await emulators?.close();
});

it('a Terminus indicator on clients.status(): up, then down once a login fails', async () => {
  const { alertsite } = emulators;
  const clients = createAuthClients({
    good: presets.alertsite({ baseUrl: alertsite.apiBaseUrl, ...alertsite.credentials }),
    wrong: presets.alertsite({
      baseUrl: alertsite.apiBaseUrl,
      username: alertsite.credentials.username,
      password: WRONG_PASSWORD,
    }),
  });

  @Module({
    imports: [AuthClientsModule.forRoot({ clients, isGlobal: true }), TerminusModule],
    controllers: [HealthController],
    providers: [AuthClientsHealthIndicator],
  })
  class AppModule {}

  const { app, url, logger } = await startApp(AppModule, 'express');
  try {
    let res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: {
        authClients: {
          status: 'up',
          clients: [
            { client: 'good', state: 'empty' },
            { client: 'wrong', state: 'empty' },
          ],
        },
      },
    });

    await clients.good.getToken();
    await expect(clients.wrong.getToken()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT_REJECTED',
    });
    res = await fetch(`${url}/health/ready`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      status: 'error',
      error: {
        authClients: {
          status: 'down',
          clients: [
            { client: 'good', state: 'valid' },
            {
              client: 'wrong',
              state: 'failing',
              failures: 1,
              lastError: 'TOKEN_ENDPOINT_REJECTED',
            },
          ],
        },
      },
    });
    expect(text).not.toContain(WRONG_PASSWORD);
    expect(text).not.toContain(alertsite.credentials.password);
    expect(logger.text()).not.toContain(WRONG_PASSWORD);
  } finally {
    await app.close();
  }
});
