'use strict';
/**
 * A CommonJS Nest application, the shape `nest new` apps compile to: it loads Nest and
 * nestjs-ai-cache with `require()` (on Nest 12 that is require(esm) of the @nestjs/* packages).
 */
require('reflect-metadata');

async function main() {
  // The shared checks are an ES module; they receive what this CommonJS app required.
  const { runCompatChecks } = await import('./compat-checks.mjs');
  const failed = await runCompatChecks({
    style: 'cjs',
    consumerDir: __dirname,
    redisUrl: process.env.COMPAT_REDIS_URL,
    load: async () => ({
      common: require('@nestjs/common'),
      core: require('@nestjs/core'),
      config: require('@nestjs/config'),
      lib: require('nestjs-ai-cache'),
    }),
  });
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.log(`FAIL  cjs: the consumer crashed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
