/**
 * `@auth/nestjs/http`: the `HttpService` (`@nestjs/axios`) side of `@auth/nestjs`, apart from the
 * main entry so that apps without the optional peers `@nestjs/axios`, `axios` and `@auth/axios`
 * never load their types. `AuthClientsModule` (from `@auth/nestjs`) provides what these
 * decorators inject.
 *
 * @example
 * import { HttpService } from '@nestjs/axios';
 * import { AuthHttp, InjectAuthHttp } from '@auth/nestjs/http';
 *
 * @Injectable()
 * class DevicesService {
 *   constructor(@InjectAuthHttp('alertsite') private readonly alertsite: HttpService) {}
 * }
 */
export { AuthHttp, InjectAuthHttp } from './auth-http.decorators.js';
