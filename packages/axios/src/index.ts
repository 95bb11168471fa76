/**
 * `@auth/axios`: the token rules of `@auth/core` on any axios instance (including
 * `HttpService.axiosRef` of `@nestjs/axios`).
 *
 * @example
 * import axios from 'axios';
 * import { withAuthClient } from '@auth/axios';
 *
 * const alertsite = withAuthClient(axios.create(), clients.alertsite);
 * const { data } = await alertsite.get('devices');
 */
export { withAuthClient } from './with-auth-client.js';
