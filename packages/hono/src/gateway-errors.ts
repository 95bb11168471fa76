import { AuthClient, isAuthError } from '@auth/core';
import { isAuthClients } from '@auth/core/adapter';
import { AuthGatewayException } from './auth-gateway-exception.js';

/**
 * `target` (an `AuthClient` or a registry view) with every method's {@link AuthError} turned into
 * an {@link AuthGatewayException} (502), so a token failure leaving a handler answers 502 even with
 * Hono's default error handler. A registry's clients, and the clients and views its methods return
 * (`withContext()`), are wrapped the same way. Everything else (properties, `instanceof
 * AuthClient`, other errors, abort reasons) is unchanged.
 */
export function withGatewayErrors<Target extends object>(source: Target): Target {
  let wrapped: Map<PropertyKey, { value: unknown; wrapper: unknown }> | undefined;
  // A registry view keeps its bound clients as read-only own properties, which a proxy of the view
  // itself would have to return unwrapped: its proxy stands on an empty object of its prototype.
  const target: Target =
    source instanceof AuthClient ? source : Object.create(Object.getPrototypeOf(source));
  return new Proxy(target, {
    get(_target, key) {
      // The source as receiver: getters read its private fields.
      const value: unknown = Reflect.get(source, key, source);
      const isClient = value instanceof AuthClient;
      if (typeof value !== 'function' && !isClient) return value;
      wrapped ??= new Map();
      const cached = wrapped.get(key);
      if (cached !== undefined && cached.value === value) return cached.wrapper;
      const wrapper = isClient
        ? withGatewayErrors(value)
        : wrapMethod(source, value as (...args: unknown[]) => unknown);
      wrapped.set(key, { value, wrapper });
      return wrapper;
    },
  });
}

function wrapMethod(target: object, method: (...args: unknown[]) => unknown) {
  return function gatewayErrors(...args: unknown[]): unknown {
    let result: unknown;
    try {
      result = Reflect.apply(method, target, args);
    } catch (error) {
      throw toGateway(error);
    }
    if (result instanceof AuthClient || isAuthClients(result)) return withGatewayErrors(result);
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
