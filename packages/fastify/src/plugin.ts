import { handleTokenFailures, resolveAdapterOptions, tokenFailureLogger } from '@auth/core/adapter';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { AuthClientsPluginOptions } from './options.js';
import {
  BOUND,
  CONFIG,
  enter,
  getAuthClients,
  RESPONSE,
  setAuthClients,
} from './request-clients.js';
import { answerTokenFailures } from './token-failures.js';

/**
 * Fastify plugin that puts a registry of authenticated clients on `request.authClients`, bound to
 * each request: calls carry the request's tenant and correlation headers and are aborted when the
 * client disconnects. The view is built on first access (a getter): a route that never uses it
 * pays one `onRequest` hook that records the response.
 *
 * Not encapsulated (like a `fastify-plugin` plugin): it applies to the scope that registers it and
 * the scopes below. Its options are validated when it loads (`app.ready()`, `app.listen()`): a
 * mistake rejects with an `AuthConfigError` naming the option.
 *
 * Token failures: every route declared after it has loaded (so `await` the `register` call, as for
 * any plugin that adds an `onRoute` hook) and has no `errorHandler` of its own gets one
 * that answers an `AuthError` with `502` and an `application/problem+json` body carrying the
 * error's `code` only, and throws every other error on to your `setErrorHandler()` (or Fastify's
 * default). The abort caused by a client disconnect ends the request quietly (`499`). The failed
 * token request itself is reported once, however many requests were waiting on it, through
 * `onTokenFailure` (default: one line on the app's logger).
 *
 * @example
 * import Fastify from 'fastify';
 * import { authClientsPlugin } from '@auth/fastify';
 *
 * const app = Fastify();
 * await app.register(authClientsPlugin, {
 *   clients,
 *   tenant: (request) => request.headers['x-tenant-id'] as string | undefined,
 * });
 * app.get('/devices', async (request, reply) => {
 *   const res = await request.authClients.alertsite.fetch('devices');
 *   return reply.code(res.status).send(await res.json());
 * });
 */
export const authClientsPlugin: FastifyPluginCallback<AuthClientsPluginOptions> = Object.assign(
  function authClientsPlugin(
    instance: FastifyInstance,
    options: AuthClientsPluginOptions,
    done: (error?: Error) => void,
  ): void {
    try {
      const config = resolveAdapterOptions<FastifyRequest>(options?.clients, options, [
        'clients',
        'onTokenFailure',
      ]);
      const stop = handleTokenFailures(
        config.clients,
        options.onTokenFailure,
        tokenFailureLogger(instance.log),
      );
      instance.addHook('onClose', (_instance, closed) => {
        stop();
        closed();
      });
      // Once per app: a plugin registered again in a child scope only brings its own configuration.
      if (!instance.hasRequestDecorator('authClients')) {
        instance.decorateRequest(CONFIG, null);
        instance.decorateRequest(RESPONSE, null);
        instance.decorateRequest(BOUND, null);
        instance.decorateRequest('authClients', {
          getter: getAuthClients,
          setter: setAuthClients,
        });
        instance.addHook('onRoute', (route) => {
          route.errorHandler ??= answerTokenFailures;
        });
      }
      // A child scope's hook runs after its parents': the innermost configuration wins.
      instance.addHook('onRequest', function recordRequest(request, reply, next) {
        enter(request, reply.raw, config);
        next();
      });
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  },
  {
    // What `fastify-plugin` sets: no encapsulation, so the decorator reaches the caller's routes.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@auth/fastify',
  },
);
