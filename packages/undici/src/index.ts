/**
 * `@auth/undici`: the token rules of `@auth/core` for `undici.request`, `fetch(url, { dispatcher })`
 * and any library that takes an undici `Dispatcher`.
 *
 * @example
 * import { Agent } from 'undici';
 * import { authInterceptor } from '@auth/undici';
 *
 * const dispatcher = new Agent().compose(authInterceptor(clients.alertsite));
 */
export { authInterceptor } from './auth-interceptor.js';
