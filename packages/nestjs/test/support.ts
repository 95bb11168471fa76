import type { AddressInfo } from 'node:net';
import type { TokenFlow } from '@auth/core';
import { listenOnFreePort } from '@auth/testing';
import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The HTTP platforms every end-to-end suite runs on. */
export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A logger that keeps every line, to search for secrets and warnings. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...args: unknown[]) {
    this.#keep('log', args);
  }
  error(...args: unknown[]) {
    this.#keep('error', args);
  }
  warn(...args: unknown[]) {
    this.#keep('warn', args);
  }
  debug(...args: unknown[]) {
    this.#keep('debug', args);
  }
  verbose(...args: unknown[]) {
    this.#keep('verbose', args);
  }
  fatal(...args: unknown[]) {
    this.#keep('fatal', args);
  }
  #keep(level: string, args: unknown[]) {
    this.lines.push(
      `${level} ${args.map((a) => (a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
    );
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** A running app on a free loopback port. */
export interface RunningApp {
  app: INestApplication;
  url: string;
  logger: CapturingLogger;
}

/** Creates `module` on `platform` and listens on a free port of 127.0.0.1. */
export async function startApp(
  module: Type,
  platform: Platform,
  logger = new CapturingLogger(),
): Promise<RunningApp> {
  const options = { logger, abortOnError: false } as const;
  const app =
    platform === 'express'
      ? await NestFactory.create(module, options)
      : await NestFactory.create(module, new FastifyAdapter(), options);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logger };
}

/** One request an {@link EchoServer} received. */
export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An upstream API that answers every request with what it received, as JSON. */
export interface EchoServer {
  /** Base URL, ending in `/`. */
  url: string;
  requests: EchoedRequest[];
  close(): Promise<void>;
}

/** Starts an {@link EchoServer} on a free loopback port. */
export async function startEchoServer(): Promise<EchoServer> {
  const requests: EchoedRequest[] = [];
  const server = await listenOnFreePort((req, res) => {
    const received = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { ...req.headers },
    };
    requests.push(received);
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(received));
  });
  return { url: `${server.url}/`, requests, close: server.close };
}

/** A flow that hands out a fixed token without any server: for clients of an {@link EchoServer}. */
export function staticFlow(token: string): TokenFlow {
  return {
    id: 'static',
    cacheKeyParts: [token],
    defaultLifetimeSeconds: 3600,
    requestToken: async () => ({ accessToken: token, tokenType: 'Bearer', expiresIn: 3600 }),
  };
}
