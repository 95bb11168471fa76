import { authClients } from '@auth/koa';
import { listenOnFreePort } from '@auth/testing';
import Koa from 'koa';
import { answerCall, appRow } from './app-row.js';

export const koa = appRow('koa request view', async (clients) => {
  const app = new Koa();
  app.use(authClients(clients));
  app.use(async (ctx) => {
    ctx.body = await answerCall(ctx.authClients, ctx.query.call);
  });
  return listenOnFreePort(app.callback());
});
