import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { AuthClients, AuthClientsModule } from '@auth/nestjs';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { answerCall, appRow } from './app-row.js';

export const nestjs = appRow('nestjs request view', async (clients) => {
  @Controller()
  class CallController {
    @Get('call')
    call(@AuthClients() view: AuthClients<string>, @Query('call') call: string) {
      return answerCall(view, call);
    }
  }
  @Module({ imports: [AuthClientsModule.forRoot({ clients })], controllers: [CallController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
});
