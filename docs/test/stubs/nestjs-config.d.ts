/**
 * The part of `@nestjs/config` the NestJS README uses (`ConfigModule`, `ConfigService`). It is not
 * a dependency of this repository, so readme-examples.test.ts type-checks against this stub.
 */
declare module '@nestjs/config' {
  import type { DynamicModule } from '@nestjs/common';

  export class ConfigModule {
    static forRoot(options?: Record<string, unknown>): Promise<DynamicModule>;
  }

  export class ConfigService {
    get<T = string>(propertyPath: string): T | undefined;
    getOrThrow<T = string>(propertyPath: string): T;
  }
}
