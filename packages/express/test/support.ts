import { listenOnFreePort } from '@auth/testing';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import express4 from 'express4';
import type { Running } from '../../koa/test/support.js';

export {
  createTestClients,
  expectNoSecret,
  leaveDuringUpstreamCall,
  openGet,
  type Running,
  SECRETS,
  startEcho,
  type TestClients,
} from '../../koa/test/support.js';

/** Both supported majors: every behaviour test runs on each. */
export const EXPRESS_VERSIONS = [
  { major: 5, express },
  { major: 4, express: express4 },
] as const;

/** Serves `app` on a free loopback port. */
export function listen(app: Express): Promise<Running> {
  return listenOnFreePort(app);
}

/**
 * An async route that hands its rejection to `next`, as Express 4 needs (Express 5 does it itself;
 * the tests use it on both so that one route works on each).
 */
export function route(
  handler: (req: Request, res: Response) => Promise<unknown>,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}
