/**
 * What a consumer application checks against the installed nestjs-ai-cache tarball.
 *
 * The entry points (app.mjs: an ESM app; app.cjs: a CommonJS app) load Nest and the library in
 * their own module system and hand the loaded modules over, so this file exercises the library
 * exactly as that kind of application sees it. Plain JavaScript on purpose: decorators are applied
 * by calling them, which is what TypeScript's emitted code does, so no compiler is needed here.
 *
 * Output: one line per check, `PASS  <style>: <check>`, `FAIL  <style>: <check>: <why>` or
 * `SKIP  ...`; scripts/compat-smoke.sh counts those lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** Generous: a check that hangs (a Redis connect, a stuck bootstrap) must fail, not stall the script. */
const CHECK_TIMEOUT_MS = 30_000;

const PUBLIC_EXPORTS = ['CacheModule', 'cacheConfig', 'AIResponseCacheService', 'CacheMonitorService', 'CachedAIResponse'];

function installedVersion(consumerDir, name) {
  return JSON.parse(readFileSync(join(consumerDir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One line: the message (an assertion's diff squeezed in) and, for a real error, where it was
 * thrown, which is what tells a library bug from a Nest 12 incompatibility.
 */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const message = error.message.split('\n').map((line) => line.trim()).filter(Boolean).join(' | ');
  const thrownAt = error instanceof assert.AssertionError ? undefined : error.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return `${error.name}: ${message}${thrownAt ? ` (${thrownAt.trim()})` : ''}`;
}

/** Applies legacy (experimentalDecorators) method decorators the way TypeScript's `__decorate` does. */
function decorateMethod(decorators, target, key) {
  const descriptor = Reflect.decorate(decorators, target, key, Object.getOwnPropertyDescriptor(target, key));
  if (descriptor) Object.defineProperty(target, key, descriptor);
}

/**
 * Consumer-side classes, declared once the library is loaded: a provider that gets the cache
 * services by constructor injection and has a `@CachedAIResponse()` method, and a health controller.
 */
function declareConsumerClasses({ common, lib }) {
  const { Controller, Get, Inject, Injectable } = common;

  class Summarizer {
    constructor(cache, monitor) {
      this.cache = cache;
      this.monitor = monitor;
      this.bodyRuns = 0;
    }

    async summarize(text) {
      this.bodyRuns += 1;
      return { summary: text.split(' ').slice(0, 3).join(' '), words: text.split(' ').length };
    }
  }
  Reflect.decorate([Injectable()], Summarizer);
  Inject(lib.AIResponseCacheService)(Summarizer, undefined, 0);
  Inject(lib.CacheMonitorService)(Summarizer, undefined, 1);
  // Without the export only the decorator check fails: the others still run on the undecorated method.
  if (typeof lib.CachedAIResponse === 'function') {
    decorateMethod([lib.CachedAIResponse({ operation: 'summarize' })], Summarizer.prototype, 'summarize');
  }

  class HealthController {
    constructor(monitor) {
      this.monitor = monitor;
    }

    check() {
      return this.monitor.getHealth();
    }
  }
  Reflect.decorate([Controller('health')], HealthController);
  Inject(lib.CacheMonitorService)(HealthController, undefined, 0);
  decorateMethod([Get()], HealthController.prototype, 'check');

  return { Summarizer, HealthController };
}

function moduleClass(common, name, metadata) {
  const cls = { [name]: class {} }[name];
  Reflect.decorate([common.Module(metadata)], cls);
  return cls;
}

/**
 * @param {object} args
 * @param {'esm'|'cjs'} args.style how the entry point loaded the modules (used in labels only)
 * @param {string} args.consumerDir the consumer project's root (its node_modules must serve everything)
 * @param {() => Promise<{common, core, config, lib}>} args.load loads the module namespaces
 * @param {string|undefined} args.redisUrl a throwaway redis-server for the Redis-driver check
 * @returns {Promise<number>} how many checks failed
 */
export async function runCompatChecks({ style, consumerDir, load, redisUrl }) {
  let failed = 0;
  const state = {};

  async function check(name, needs, body) {
    const label = `${style}: ${name}`;
    const missing = needs.filter((key) => state[key] === undefined);
    if (missing.length > 0) {
      failed += 1;
      console.log(`FAIL  ${label}: not run (needs ${missing.join(', ')}, which failed earlier)`);
      return;
    }
    try {
      const skipped = await withTimeout(Promise.resolve().then(body), name);
      console.log(typeof skipped === 'string' ? `SKIP  ${label}: ${skipped}` : `PASS  ${label}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL  ${label}: ${describe(error)}`);
    }
  }

  const request = { text: 'The quick brown fox jumps over the lazy dog', operation: 'compat_op', options: { model: 'm', temperature: 0 } };
  const response = { summary: 'fox jumps', tokens: [1, 2, 3], nested: { ok: true } };

  await check('load the library and @nestjs/* from the consumer node_modules', [], async () => {
    const modules = await load();
    const consumerRequire = createRequire(join(consumerDir, 'package.json'));
    const libEntry = consumerRequire.resolve('nestjs-ai-cache');
    assert.ok(libEntry.startsWith(join(consumerDir, 'node_modules', 'nestjs-ai-cache') + sep), `nestjs-ai-cache resolved to ${libEntry}`);
    // The library must share the application's Nest: a second copy would mean a second DI container's tokens.
    const libRequire = createRequire(libEntry);
    for (const peer of ['@nestjs/common', '@nestjs/core', '@nestjs/config']) {
      assert.equal(libRequire.resolve(peer), consumerRequire.resolve(peer), `the library resolves its own copy of ${peer}`);
    }
    // Loaded: the other checks can run and say what works even if an export below is missing.
    state.modules = modules;
    state.classes = declareConsumerClasses(modules);
    // Named exports, not only a default: `import { CacheModule } from 'nestjs-ai-cache'` must work in ESM apps.
    const missing = PUBLIC_EXPORTS.filter((name) => !(name in modules.lib) || modules.lib[name] === undefined);
    assert.deepEqual(missing, [], `nestjs-ai-cache lacks the named exports ${missing.join(', ')}`);
    assert.equal(typeof modules.lib.CacheModule.forRoot, 'function', 'CacheModule.forRoot is not a function');
    assert.equal(typeof modules.lib.CacheModule.forRootAsync, 'function', 'CacheModule.forRootAsync is not a function');
    assert.equal(typeof modules.lib.cacheConfig.asProvider, 'function', 'cacheConfig.asProvider is not a function');
  });

  await check('forRootAsync(cacheConfig.asProvider()): cacheResponse → getCachedResponse hits with the same value', ['modules'], async () => {
    const { common, core, config, lib } = state.modules;
    Object.assign(process.env, { CACHE_DRIVER: 'memory', CACHE_NAMESPACE: `compat_async_${style}`, CACHE_TTL: '1234' });
    const AppModule = moduleClass(common, 'AsyncConfigAppModule', {
      imports: [config.ConfigModule.forRoot({ ignoreEnvFile: true }), lib.CacheModule.forRootAsync(lib.cacheConfig.asProvider())],
      providers: [state.classes.Summarizer],
    });
    const app = await core.NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      const { cache } = app.get(state.classes.Summarizer);
      assert.ok(cache instanceof lib.AIResponseCacheService, 'the injected cache is not an AIResponseCacheService');
      assert.equal(await cache.getCachedResponse(request), undefined, 'a fresh cache already had the request');
      await cache.cacheResponse(request, response);
      const hit = await cache.getCachedResponse(request);
      assert.ok(hit, 'getCachedResponse missed right after cacheResponse');
      assert.deepEqual(hit.response, response);
      // CACHE_TTL reached the module through @nestjs/config: the entry expires after ~1234 s, not the 3600 s default.
      const ttl = await cache.getTtl(cache.buildKey(request));
      assert.ok(ttl > 1200 && ttl <= 1234, `TTL ${ttl} s does not come from CACHE_TTL=1234`);
    } finally {
      await app.close();
    }
  });

  await check("forRoot({ namespace: 'compat' }) in an HTTP app: getOrCompute misses, then hits", ['modules'], async () => {
    const { common, core, lib } = state.modules;
    const AppModule = moduleClass(common, 'HttpAppModule', {
      imports: [lib.CacheModule.forRoot({ namespace: 'compat' })],
      controllers: [state.classes.HealthController],
      providers: [state.classes.Summarizer],
    });
    const app = await core.NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    state.httpApp = app;
    await app.listen(0, '127.0.0.1');
    const { cache } = app.get(state.classes.Summarizer);
    let computeRuns = 0;
    const compute = async () => {
      computeRuns += 1;
      return { answer: 42, at: 'first compute' };
    };
    const qa = { text: 'Deep Thought computed for 7.5 million years.', operation: 'qa', question: 'What is the answer?' };
    const first = await cache.getOrCompute(qa, compute);
    assert.equal(computeRuns, 1, 'the first getOrCompute did not compute (it should miss)');
    const second = await cache.getOrCompute(qa, compute);
    assert.equal(computeRuns, 1, 'the second getOrCompute computed again (it should hit)');
    assert.deepEqual(second, first);
  });

  await check('@CachedAIResponse(): two identical calls run the method body once', ['modules', 'httpApp'], async () => {
    assert.equal(typeof state.modules.lib.CachedAIResponse, 'function', 'nestjs-ai-cache exports no CachedAIResponse decorator');
    const summarizer = state.httpApp.get(state.classes.Summarizer);
    const text = 'Caching turns repeated model calls into lookups that cost nothing';
    const first = await summarizer.summarize(text);
    const second = await summarizer.summarize(text);
    assert.equal(summarizer.bodyRuns, 1, `the method body ran ${summarizer.bodyRuns} times`);
    assert.deepEqual(second, first);
  });

  await check('CacheMonitorService.getHealth() returned as is by a controller: status up', ['modules', 'httpApp'], async () => {
    const app = state.httpApp;
    const { lib } = state.modules;
    assert.equal(app.get(state.classes.Summarizer).monitor, app.get(lib.CacheMonitorService), 'the injected monitor is another instance');
    const res = await fetch(`${await app.getUrl()}/health`);
    assert.equal(res.status, 200, `GET /health answered ${res.status}`);
    const health = await res.json();
    assert.equal(health.status, 'up', `health: ${JSON.stringify(health)}`);
    assert.equal(health.driver, 'memory', `health: ${JSON.stringify(health)}`);
    assert.equal(typeof health.hitRatio, 'number', `health: ${JSON.stringify(health)}`);
    assert.ok(Array.isArray(health.alerts), `health: ${JSON.stringify(health)}`);
  });
  await state.httpApp?.close();

  await check('the memory driver never loaded ioredis (an optional peer)', ['modules'], async () => {
    const ioredisFiles = new Set(Object.keys(require.cache).filter((file) => file.includes(`${sep}node_modules${sep}ioredis${sep}`)));
    if (ioredisFiles.size === 0) return;
    // Name the library file that pulled it in, so the fix (a type-only import or a lazy require) is obvious.
    const importers = Object.values(require.cache)
      .filter((mod) => mod.filename.includes(`${sep}nestjs-ai-cache${sep}`) && mod.children.some((child) => ioredisFiles.has(child.filename)))
      .map((mod) => mod.filename.slice(mod.filename.indexOf(`nestjs-ai-cache${sep}`)));
    assert.fail(`ioredis was loaded at load time although only the memory driver ran; required by: ${importers.join(', ') || 'unknown'}`);
  });

  // Every entry of the package's `exports` (with every optional peer installed): the subpath
  // adapters are loaded the way this kind of application loads them.
  const manifest = JSON.parse(readFileSync(join(consumerDir, 'node_modules', 'nestjs-ai-cache', 'package.json'), 'utf8'));
  const subpaths = Object.keys(manifest.exports).filter((key) => key !== '.' && key !== './package.json');
  await check(`every subpath entry loads (${subpaths.map((s) => `nestjs-ai-cache${s.slice(1)}`).join(', ')})`, ['modules'], async () => {
    for (const subpath of subpaths) {
      const specifier = `nestjs-ai-cache${subpath.slice(1)}`;
      const loaded = style === 'esm' ? await import(specifier) : createRequire(join(consumerDir, 'package.json'))(specifier);
      assert.ok(Object.keys(loaded).length > 0, `${specifier} exports nothing`);
    }
  });

  await check(`nestjs-ai-cache/terminus with @nestjs/terminus ${installedVersion(consumerDir, '@nestjs/terminus')}: the indicator reports up`, ['modules'], async () => {
    const { common, core, lib } = state.modules;
    const consumerRequire = createRequire(join(consumerDir, 'package.json'));
    const terminus = style === 'esm' ? await import('nestjs-ai-cache/terminus') : consumerRequire('nestjs-ai-cache/terminus');
    const AppModule = moduleClass(common, 'TerminusAppModule', {
      imports: [lib.CacheModule.forRoot({ namespace: `compat_terminus_${style}` }), terminus.CacheHealthModule],
    });
    const app = await core.NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      const result = await app.get(terminus.CacheHealthIndicator).isHealthy('cache');
      assert.equal(result.cache?.status, 'up', `isHealthy: ${JSON.stringify(result)}`);
      assert.equal(result.cache?.driver, 'memory', `isHealthy: ${JSON.stringify(result)}`);
    } finally {
      await app.close();
    }
  });

  const ioredisVersion = installedVersion(consumerDir, 'ioredis');
  await check(`redis driver (ioredis ${ioredisVersion}): a response comes back from the redis tier; health up`, ['modules'], async () => {
    if (!redisUrl) return 'no redis-server on this machine';
    const { common, core, lib } = state.modules;
    const AppModule = moduleClass(common, 'RedisAppModule', {
      imports: [lib.CacheModule.forRoot({ redis: { url: redisUrl }, namespace: `compat_redis_${style}`, memoryCacheSize: 0 })],
    });
    const app = await core.NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
    try {
      const cache = app.get(lib.AIResponseCacheService);
      await cache.cacheResponse(request, response);
      const hit = await cache.getCachedResponse(request);
      assert.ok(hit, 'getCachedResponse missed right after cacheResponse');
      assert.equal(hit.tier, 'redis', `served from the ${hit.tier} tier although the L1 is off`);
      assert.deepEqual(hit.response, response);
      const health = await app.get(lib.CacheMonitorService).getHealth();
      assert.equal(health.status, 'up', `health: ${JSON.stringify(health)}`);
      assert.equal(health.driver, 'redis', `health: ${JSON.stringify(health)}`);
      assert.equal(health.redis?.connected, true, `health: ${JSON.stringify(health)}`);
      await cache.invalidateAll();
    } finally {
      await app.close();
    }
  });

  return failed;
}
