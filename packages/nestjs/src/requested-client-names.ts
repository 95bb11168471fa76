import type { ModulesContainer } from '@nestjs/core';

/**
 * Client names asked for with `@InjectAuthClient(name)` anywhere in the process, and by which
 * classes. With `forRootAsync()` the registry (and so its names) only exists once the factory has
 * run, but Nest needs every provider before that: the module provides the names decorators asked
 * for, including those decorated after the module was defined (still before bootstrap).
 * @internal
 */
const requesters = new Map<string, Set<unknown>>();
const listeners = new Set<(name: string) => void>();

/** Records that `consumer` (a class) asked for the client `name`. */
export function requestClientName(name: string, consumer: unknown): void {
  let classes = requesters.get(name);
  if (classes === undefined) {
    classes = new Set();
    requesters.set(name, classes);
    for (const listener of listeners) listener(name);
  }
  classes.add(consumer);
}

/** Calls `listener` with every name asked for so far, and with each later one. */
export function onRequestedClientName(listener: (name: string) => void): void {
  for (const name of requesters.keys()) listener(name);
  listeners.add(listener);
}

/**
 * Names of the classes of this application (providers, controllers, enhancers) that asked for
 * the client `name`. Other applications of the process may have asked for names this one lacks.
 */
export function consumersInApp(name: string, modules: ModulesContainer): string[] {
  const classes = requesters.get(name);
  if (classes === undefined) return [];
  const found = new Set<string>();
  for (const module of modules.values()) {
    for (const wrappers of [module.providers, module.controllers, module.injectables]) {
      for (const wrapper of wrappers.values()) {
        const type = wrapper.metatype;
        if (typeof type === 'function' && classes.has(type)) found.add(type.name);
      }
    }
  }
  return [...found];
}

/** Client names asked for with `@InjectAuthHttp(name)`: each gets an `HttpService` provider. */
const httpNames = new Set<string>();
const httpListeners = new Set<(name: string) => void>();

/** Records that `consumer` asked for the `HttpService` of the client `name` (and so the client). */
export function requestHttpName(name: string, consumer: unknown): void {
  requestClientName(name, consumer);
  if (httpNames.has(name)) return;
  httpNames.add(name);
  for (const listener of httpListeners) listener(name);
}

/** Calls `listener` with every `HttpService` name asked for so far, and with each later one. */
export function onRequestedHttpName(listener: (name: string) => void): void {
  for (const name of httpNames) listener(name);
  httpListeners.add(listener);
}
