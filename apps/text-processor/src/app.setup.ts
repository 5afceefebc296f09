import type { NestExpressApplication } from '@nestjs/platform-express';

/** Leaves room for a 100 000-character text even when every character is escaped in the JSON body. */
export const JSON_BODY_LIMIT = '1mb';
export const DEFAULT_PORT = 3000;

/**
 * What the app needs beyond its modules; shared by main.ts and the e2e tests so both run the same app.
 * Express's default 100 kB JSON limit would answer 413 before the text-length check could give its clear 400.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  return app;
}

export function resolvePort(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT?.trim();
  if (!raw) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}
