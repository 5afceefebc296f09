import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/text-processor/src/app.module';
import { configureApp } from '../../apps/text-processor/src/app.setup';

/**
 * Removes every CACHE_*, REDIS_* and LLM_* variable, so nothing from the machine picks Redis or a
 * real model: a suite then sets exactly the configuration it tests.
 */
export function clearCacheEnvironment(): void {
  for (const name of Object.keys(process.env)) {
    if (/^(CACHE_|REDIS_|LLM_)/.test(name)) delete process.env[name];
  }
}

/** The demo app as `main.ts` configures it (body limit, …), built from the current environment; not yet initialised. */
export async function createDemoApp(): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  return configureApp(moduleRef.createNestApplication<NestExpressApplication>({ logger: false }));
}
