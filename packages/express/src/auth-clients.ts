import type { AuthClients } from '@auth/core';
import { handleTokenFailures, resolveAdapterOptions } from '@auth/core/adapter';
import type { Request, RequestHandler } from 'express';
import type { AuthClientsOptions } from './options.js';
import { enter } from './request-clients.js';

/**
 * Express middleware that puts a registry of authenticated clients on `req.authClients`, bound to
 * each request: calls carry the request's tenant and correlation headers and are aborted when the
 * client disconnects. The view is built on first access, so routes that never use it pay one
 * property definition.
 *
 * Options are validated now: a mistake throws an `AuthConfigError` naming the option.
 *
 * Token failures: add {@link authErrorHandler} after your routes; it answers them `502` with an
 * `application/problem+json` body carrying the error's `code` only. The failed token request
 * itself is reported once, however many requests were waiting on it, through `onTokenFailure`
 * (default: one line on `console.error`).
 *
 * @example
 * import express from 'express';
 * import { authClients, authErrorHandler } from '@auth/express';
 *
 * const app = express();
 * app.use(authClients(clients, { tenant: (req) => req.get('x-tenant-id') }));
 * app.get('/devices', async (req, res) => {
 *   const upstream = await req.authClients.alertsite.fetch('devices');
 *   res.status(upstream.status).json(await upstream.json());
 * });
 * app.use(authErrorHandler());
 */
export function authClients<Name extends string>(
  clients: AuthClients<Name>,
  options?: AuthClientsOptions,
): RequestHandler {
  const config = resolveAdapterOptions<Request>(clients, options, ['onTokenFailure']);
  handleTokenFailures(config.clients, options?.onTokenFailure);
  return function authClientsMiddleware(req, _res, next) {
    enter(req, config);
    next();
  };
}
