import { authClients, authErrorHandler } from '@auth/express';
import { listenOnFreePort } from '@auth/testing';
import express from 'express';
import { answerCall, appRow } from './app-row.js';

export const expressRow = appRow('express request view', async (clients) => {
  const app = express();
  app.use(authClients(clients));
  app.get('/call', async (req, res) => {
    res.json(await answerCall(req.authClients, req.query.call));
  });
  app.use(authErrorHandler());
  return listenOnFreePort(app);
});
