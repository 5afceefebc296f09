import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp, resolvePort } from './app.setup';

async function bootstrap(): Promise<void> {
  const port = resolvePort(process.env);
  const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule));
  // SIGTERM/SIGINT close the app, so the cache releases its Redis connections cleanly.
  app.enableShutdownHooks();
  await app.listen(port);
  // Read back from the server: PORT=0 asks the OS for a free port.
  const { port: boundPort } = app.getHttpServer().address() as AddressInfo;
  new Logger('TextProcessor').log(`Listening on http://localhost:${boundPort} (POST /process, GET /operations, GET /health, GET /metrics, GET /cache/stats, GET /cache/dashboard, POST /cache/invalidate)`);
}

bootstrap().catch((error: unknown) => {
  new Logger('TextProcessor').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
