import { AuthClient, isAuthError } from '@auth/core';
import { AuthGatewayException } from './auth-gateway-exception.js';

/**
 * `client` with every method's {@link AuthError} turned into an {@link AuthGatewayException}
 * (502), so a token failure leaving a handler answers 502 even with Hono's default error handler.
 * Everything else (properties, `instanceof AuthClient`, other errors, abort reasons) is unchanged;
 * views from `withContext()` are wrapped the same way.
 */
export function withGatewayErrors(client: AuthClient): AuthClient {
  const wrapped = new Map<PropertyKey, { method: unknown; wrapper: unknown }>();
  return new Proxy(client, {
    get(target, key) {
      // The target as receiver: AuthClient's getters read its private fields.
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const cached = wrapped.get(key);
      if (cached !== undefined && cached.method === value) return cached.wrapper;
      const wrapper = wrapMethod(target, value as (...args: unknown[]) => unknown);
      wrapped.set(key, { method: value, wrapper });
      return wrapper;
    },
  });
}

function wrapMethod(target: AuthClient, method: (...args: unknown[]) => unknown) {
  return function gatewayErrors(...args: unknown[]): unknown {
    let result: unknown;
    try {
      result = Reflect.apply(method, target, args);
    } catch (error) {
      throw toGateway(error);
    }
    if (result instanceof AuthClient) return withGatewayErrors(result);
    if (result instanceof Promise) return result.catch(rethrowAsGateway);
    return result;
  };
}

function toGateway(error: unknown): unknown {
  return isAuthError(error) ? new AuthGatewayException(error) : error;
}

function rethrowAsGateway(error: unknown): never {
  throw toGateway(error);
}
