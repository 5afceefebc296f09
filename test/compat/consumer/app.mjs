/**
 * An ESM Nest application ("type": "module"), the shape Nest 12 apps take: it loads Nest and
 * nestjs-ai-cache with `import`, so the library's named exports must be visible to ESM.
 */
import 'reflect-metadata';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCompatChecks } from './compat-checks.mjs';

const failed = await runCompatChecks({
  style: 'esm',
  consumerDir: dirname(fileURLToPath(import.meta.url)),
  redisUrl: process.env.COMPAT_REDIS_URL,
  load: async () => ({
    common: await import('@nestjs/common'),
    core: await import('@nestjs/core'),
    config: await import('@nestjs/config'),
    lib: await import('nestjs-ai-cache'),
  }),
});
process.exitCode = failed > 0 ? 1 : 0;
