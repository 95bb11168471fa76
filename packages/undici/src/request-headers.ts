import type { Dispatcher } from 'undici';

type Value = string | string[] | undefined;

/**
 * `headers` of a dispatch (an object, a flat `[name, value, ...]` list or `[name, value]` pairs)
 * as a flat list with `name` (lower-case) set to `value`, whatever case the caller used for it.
 */
export function withHeader(
  headers: Dispatcher.DispatchOptions['headers'],
  name: string,
  value: string,
): string[] {
  const flat: Value[] = [];
  for (const [key, existing] of entries(headers)) {
    if (key.toLowerCase() !== name) flat.push(key, existing);
  }
  flat.push(name, value);
  // undici accepts array values in a flat list (repeated header lines).
  return flat as string[];
}

function entries(headers: Dispatcher.DispatchOptions['headers']): Iterable<[string, Value]> {
  if (headers == null) return [];
  if (Array.isArray(headers)) {
    if (Array.isArray(headers[0])) return headers as unknown as [string, Value][];
    const pairs: [string, Value][] = [];
    for (let i = 0; i + 1 < headers.length; i += 2)
      pairs.push([String(headers[i]), headers[i + 1]]);
    return pairs;
  }
  const prototype = Object.getPrototypeOf(headers);
  if (prototype !== Object.prototype && prototype !== null && Symbol.iterator in headers) {
    return headers as Iterable<[string, Value]>;
  }
  return Object.entries(headers as Record<string, Value>);
}
