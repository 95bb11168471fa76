import type { ArgumentsHost } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';

/**
 * `GET /path` of the current request for a log line: the query string is left out (it may carry
 * keys). Works on Express and Fastify through the HTTP adapter.
 * @internal
 */
export function requestLine(
  httpAdapter: AbstractHttpAdapter,
  http: ReturnType<ArgumentsHost['switchToHttp']>,
): string {
  const request = http.getRequest();
  const method = httpAdapter.getRequestMethod?.(request);
  const url = httpAdapter.getRequestUrl?.(request);
  return `${String(method)} ${String(url).split('?')[0]}`;
}
