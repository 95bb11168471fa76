import {
  type AuthClient,
  AuthConfigError,
  createAuthClients,
  MemoryTokenStore,
  type TokenFlow,
} from '@auth/core';
import {
  AUTH_CLIENTS,
  AuthClients,
  AuthClientsModule,
  type AuthClientsModuleOptions,
  type AuthClientsOptionsFactory,
  getAuthClientToken,
  InjectAuthClient,
  InjectAuthClients,
} from '@auth/nestjs';
import { Controller, type DynamicModule, Get, Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EchoServer, PLATFORMS, startApp, startEchoServer, staticFlow } from './support.js';

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo?.close();
});

const flow: TokenFlow = staticFlow('t0ken');

/** Bootstraps an application context: everything Nest does at startup, without listening. */
async function bootstrap(module: Type | DynamicModule) {
  return NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
}

function moduleImporting(imported: DynamicModule, providers: Type[] = []): Type {
  @Module({ imports: [imported], providers })
  class AppModule {}
  return AppModule;
}

/** A stand-in for `@nestjs/config`: the shape `forRootAsync` users inject. */
class ConfigService {
  constructor(private readonly values: Record<string, string>) {}
  getOrThrow(key: string): string {
    const value = this.values[key];
    if (value === undefined) throw new Error(`missing config ${key}`);
    return value;
  }
}

/** Like `ConfigModule.forRoot()`: provides a {@link ConfigService} over `values`. */
function configModule(values: Record<string, string> = {}): Type {
  @Module({
    providers: [{ provide: ConfigService, useValue: new ConfigService(values) }],
    exports: [ConfigService],
  })
  class ConfigModule {}
  return ConfigModule;
}

describe('AuthClientsModule.forRoot', () => {
  it('provides the registry and one provider per client name', async () => {
    const clients = createAuthClients({
      alpha: { baseUrl: echo.url, flow },
      beta: { baseUrl: `${echo.url}beta/`, flow },
    });

    @Injectable()
    class Consumer {
      constructor(
        @InjectAuthClient('alpha') readonly alpha: AuthClient,
        @InjectAuthClient('beta') readonly beta: AuthClient,
        @InjectAuthClients() readonly all: typeof clients,
      ) {}
    }

    const app = await bootstrap(
      moduleImporting(AuthClientsModule.forRoot({ clients }), [Consumer]),
    );
    const consumer = app.get(Consumer);
    expect(consumer.alpha).toBe(clients.alpha);
    expect(consumer.beta).toBe(clients.beta);
    expect(consumer.all).toBe(clients);
    expect(app.get(getAuthClientToken('alpha'))).toBe(clients.alpha);
    expect(app.get(AUTH_CLIENTS)).toBe(clients);
    await app.close();
  });

  it('gives the same token for the same name', () => {
    expect(getAuthClientToken('alpha')).toBe(getAuthClientToken('alpha'));
    expect(getAuthClientToken('alpha')).not.toBe(getAuthClientToken('beta'));
  });

  it('is visible app-wide with isGlobal: true, and only where imported otherwise', async () => {
    const clients = createAuthClients({ alpha: { baseUrl: echo.url, flow } });

    @Injectable()
    class FeatureService {
      constructor(@InjectAuthClient('alpha') readonly alpha: AuthClient) {}
    }
    @Module({ providers: [FeatureService] })
    class FeatureModule {}

    @Module({ imports: [AuthClientsModule.forRoot({ clients, isGlobal: true }), FeatureModule] })
    class GlobalApp {}
    const app = await bootstrap(GlobalApp);
    expect(app.get(FeatureService).alpha).toBe(clients.alpha);
    await app.close();

    @Module({ imports: [AuthClientsModule.forRoot({ clients }), FeatureModule] })
    class LocalApp {}
    await expect(bootstrap(LocalApp)).rejects.toThrow(/FeatureService/);
  });

  it('@AuthClients() needs the module in scope: a controller elsewhere fails at bootstrap', async () => {
    const clients = createAuthClients({ alpha: { baseUrl: echo.url, flow } });
    @Controller()
    class Elsewhere {
      @Get()
      get(@AuthClients() c: AuthClients) {
        return c.names;
      }
    }
    @Module({ controllers: [Elsewhere] })
    class FeatureModule {}
    @Module({ imports: [AuthClientsModule.forRoot({ clients }), FeatureModule] })
    class AppModule {}
    await expect(bootstrap(AppModule)).rejects.toThrow(
      /RequestAuthClientsPipe[\s\S]*FeatureModule/,
    );
  });

  it('fails when a consumer asks for a client the registry lacks, naming both', async () => {
    const clients = createAuthClients({ alpha: { baseUrl: echo.url, flow } });
    @Injectable()
    class WantsBilling {
      constructor(@InjectAuthClient('billing') readonly billing: AuthClient) {}
    }
    await expect(
      bootstrap(moduleImporting(AuthClientsModule.forRoot({ clients }), [WantsBilling])),
    ).rejects.toThrow(
      new AuthConfigError(
        'clients',
        `WantsBilling injects @InjectAuthClient('billing'), but the registry has no client "billing" (it has: alpha)`,
      ),
    );
  });
});

describe('misconfiguration fails at bootstrap, naming the option', () => {
  const clients = () => createAuthClients({ alpha: { baseUrl: echo.url, flow } });

  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'clients is not a registry',
      () => ({ clients: { alpha: {} } }),
      'clients',
      /createAuthClients/,
    ],
    ['clients is missing', () => ({}), 'clients', /createAuthClients/],
    [
      'tenant is not a function',
      () => ({ clients: clients(), tenant: 'x-tenant-id' }),
      'tenant',
      /function/,
    ],
    [
      'propagateHeaders is not an array',
      () => ({ clients: clients(), propagateHeaders: 'x-request-id' }),
      'propagateHeaders',
      /array/,
    ],
    [
      'a propagated header is not a string',
      () => ({ clients: clients(), propagateHeaders: ['x-request-id', 42] }),
      'propagateHeaders[1]',
      /header name/,
    ],
    [
      'a propagated header is not a header name',
      () => ({ clients: clients(), propagateHeaders: ['bad header'] }),
      'propagateHeaders[0]',
      /header name/,
    ],
    [
      'an option is misspelt',
      () => ({ clients: clients(), propagateHeader: ['x-request-id'] }),
      'propagateHeader',
      /unknown option/,
    ],
  ];

  it.each(cases)('forRoot: %s', async (_title, options, option, problem) => {
    const module = moduleImporting(
      AuthClientsModule.forRoot(options() as AuthClientsModuleOptions),
    );
    const error = await bootstrap(module).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error).toMatchObject({ code: 'AUTH_CONFIG_INVALID', option });
    expect((error as Error).message).toContain(`"${option}"`);
    expect((error as Error).message).toMatch(problem);
  });

  it.each(cases)('forRootAsync: %s', async (_title, options, option) => {
    const module = moduleImporting(
      AuthClientsModule.forRootAsync({
        useFactory: async () => options() as AuthClientsModuleOptions,
      }),
    );
    await expect(bootstrap(module)).rejects.toMatchObject({ name: 'AuthConfigError', option });
  });

  it('a client definition names the client and its option (from createAuthClients)', async () => {
    const module = moduleImporting(
      AuthClientsModule.forRootAsync({
        imports: [configModule()],
        inject: [ConfigService],
        useFactory: () => ({
          clients: createAuthClients({
            alpha: { baseUrl: echo.url, flow },
            billing: { baseUrl: echo.url, flow, timeoutMs: -5 },
          }),
        }),
      }),
    );
    const error = await bootstrap(module).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).option).toBe('clients.billing.timeoutMs');
    expect((error as Error).message).toBe(
      'Invalid option "clients.billing.timeoutMs": must be a positive number (Infinity: none)',
    );
  });

  it('module extras returned by the async factory are pointed out', async () => {
    const module = moduleImporting(
      AuthClientsModule.forRootAsync({
        useFactory: () => ({ clients: clients(), isGlobal: true }) as AuthClientsModuleOptions,
      }),
    );
    const error = await bootstrap(module).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthConfigError', option: 'isGlobal' });
    expect((error as Error).message).toMatch(/next to useFactory/);
  });

  it('extras of the wrong type fail when the module is defined', () => {
    expect(() =>
      AuthClientsModule.forRoot({ clients: clients(), isGlobal: 'yes' as unknown as boolean }),
    ).toThrow(expect.objectContaining({ name: 'AuthConfigError', option: 'isGlobal' }));
    expect(() =>
      AuthClientsModule.forRootAsync({
        useFactory: () => ({ clients: clients() }),
        exceptionFilter: 0 as unknown as boolean,
      }),
    ).toThrow(expect.objectContaining({ name: 'AuthConfigError', option: 'exceptionFilter' }));
  });

  it('an injected client the async registry lacks names the client', async () => {
    @Injectable()
    class WantsGamma {
      constructor(@InjectAuthClient('gamma') readonly gamma: AuthClient) {}
    }
    const module = moduleImporting(
      AuthClientsModule.forRootAsync({ useFactory: () => ({ clients: clients() }) }),
      [WantsGamma],
    );
    const error = await bootstrap(module).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthConfigError', option: 'clients' });
    expect((error as Error).message).toContain(`WantsGamma injects @InjectAuthClient('gamma')`);
    expect((error as Error).message).toContain('it has: alpha');
  });
});

describe('AuthClientsModule.forRootAsync', () => {
  it('builds the clients with useFactory from an injected config provider', async () => {
    const config = vi.fn((configService: ConfigService) => ({
      clients: createAuthClients({
        delta: { baseUrl: configService.getOrThrow('DELTA_URL'), flow },
      }),
      tenant: (request: { headers: Record<string, unknown> }) =>
        request.headers['x-tenant'] as string | undefined,
    }));

    @Controller()
    class DeltaController {
      constructor(@InjectAuthClient('delta') private readonly delta: AuthClient) {}

      @Get('app-wide')
      appWide() {
        return { baseUrl: this.delta.baseUrl };
      }

      @Get('per-request')
      async perRequest(@AuthClients() clients: AuthClients<'delta'>) {
        return (await clients.delta.fetch('x')).json();
      }
    }

    @Module({ controllers: [DeltaController] })
    class FeatureModule {}

    const ConfigModule = configModule({ DELTA_URL: `${echo.url}delta/` });
    @Module({
      imports: [
        ConfigModule,
        AuthClientsModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: config,
        }),
        FeatureModule,
      ],
    })
    class AppModule {}

    const { app, url } = await startApp(AppModule, 'express');
    try {
      expect(config).toHaveBeenCalledTimes(1);
      expect(await (await fetch(`${url}/app-wide`)).json()).toEqual({
        baseUrl: `${echo.url}delta/`,
      });
      const res = await fetch(`${url}/per-request`, { headers: { 'x-tenant': 'acme' } });
      expect(await res.json()).toMatchObject({
        url: '/delta/x',
        headers: { authorization: 'Bearer t0ken' },
      });
    } finally {
      await app.close();
    }
  });

  it('accepts useClass and useExisting option factories', async () => {
    const clients = createAuthClients({ epsilon: { baseUrl: echo.url, flow } });

    @Injectable()
    class AuthClientsConfig implements AuthClientsOptionsFactory {
      createAuthClientsOptions() {
        return { clients };
      }
    }
    @Module({ providers: [AuthClientsConfig], exports: [AuthClientsConfig] })
    class AuthConfigModule {}

    @Injectable()
    class Consumer {
      constructor(@InjectAuthClient('epsilon') readonly epsilon: AuthClient) {}
    }

    const viaClass = await bootstrap(
      moduleImporting(AuthClientsModule.forRootAsync({ useClass: AuthClientsConfig }), [Consumer]),
    );
    expect(viaClass.get(Consumer).epsilon).toBe(clients.epsilon);
    await viaClass.close();

    const viaExisting = await bootstrap(
      moduleImporting(
        AuthClientsModule.forRootAsync({
          imports: [AuthConfigModule],
          useExisting: AuthClientsConfig,
        }),
        [Consumer],
      ),
    );
    expect(viaExisting.get(Consumer).epsilon).toBe(clients.epsilon);
    await viaExisting.close();
  });

  it('provides clients asked for by classes decorated after forRootAsync()', async () => {
    const definition = AuthClientsModule.forRootAsync({
      useFactory: () => ({ clients: createAuthClients({ zeta: { baseUrl: echo.url, flow } }) }),
    });

    @Injectable()
    class LateConsumer {
      constructor(@InjectAuthClient('zeta') readonly zeta: AuthClient) {}
    }

    const app = await bootstrap(moduleImporting(definition, [LateConsumer]));
    expect(app.get(LateConsumer).zeta.name).toBe('zeta');
    await app.close();
  });
});

describe.each(PLATFORMS)('shutdown on %s', (platform) => {
  it('app.close() closes the clients and their stores, once', async () => {
    const store = new MemoryTokenStore();
    const storeClose = vi.spyOn(store, 'close');
    const clients = createAuthClients({
      alpha: { baseUrl: echo.url, flow, store },
      beta: { baseUrl: echo.url, flow },
    });
    const registryClose = vi.spyOn(clients, 'close');

    @Controller()
    class PingController {
      @Get('ping')
      async ping(@AuthClients() c: typeof clients) {
        await c.alpha.getToken();
        return 'pong';
      }
    }
    @Module({ imports: [AuthClientsModule.forRoot({ clients })], controllers: [PingController] })
    class AppModule {}

    const { app, url } = await startApp(AppModule, platform);
    expect(await (await fetch(`${url}/ping`)).text()).toBe('pong');
    expect(storeClose).not.toHaveBeenCalled();
    await app.close();
    expect(registryClose).toHaveBeenCalledTimes(1);
    expect(storeClose).toHaveBeenCalledTimes(1);
  });
});
