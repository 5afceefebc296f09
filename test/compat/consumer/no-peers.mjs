/**
 * Run by scripts/compat-smoke.sh in the consumer BEFORE any optional peer is installed: the main
 * entry loads (from ESM and from CommonJS) without them, and what needs one says what to install.
 * Prints `PASS  …` / `FAIL  …` lines, like compat-checks.mjs.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let failed = 0;

async function check(name, body) {
  try {
    await body();
    console.log(`PASS  no optional peers: ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL  no optional peers: ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

const manifest = JSON.parse(readFileSync(new URL('./node_modules/nestjs-ai-cache/package.json', import.meta.url), 'utf8'));
const optionalPeers = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((name) => manifest.peerDependenciesMeta[name].optional);

await check(`none of ${optionalPeers.join(', ')} is installed here`, async () => {
  const present = optionalPeers.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
  assert.deepEqual(present, []);
});

await check('the main entry loads with import and with require', async () => {
  const esm = await import('nestjs-ai-cache');
  const cjs = require('nestjs-ai-cache');
  assert.equal(typeof esm.CacheModule.forRoot, 'function');
  assert.equal(cjs.CacheModule, esm.CacheModule);
});

await check("a Redis URL without ioredis fails bootstrap saying 'npm i ioredis'", async () => {
  const { Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { CacheModule } = await import('nestjs-ai-cache');
  class RedisAppModule {}
  Reflect.decorate([Module({ imports: [CacheModule.forRoot({ redis: { url: 'redis://127.0.0.1:1' } })] })], RedisAppModule);
  await assert.rejects(
    NestFactory.createApplicationContext(RedisAppModule, { logger: false, abortOnError: false }),
    (error) => {
      assert.match(error.message, /the redis driver needs the package 'ioredis', which is not installed\. Install it: npm i ioredis/);
      return true;
    },
  );
});

process.exitCode = failed > 0 ? 1 : 0;
