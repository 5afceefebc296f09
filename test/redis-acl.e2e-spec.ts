import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService, redisAclRuleFor } from '@app/ai-cache';
import { type AclLogEntry, type RedisAclUser, RedisServer, startRedis, stopAllRedisServers, waitUntil } from './support/redis-harness';

/**
 * The Redis behaviour of the module, run as a least-privilege ACL user whose rules are exactly
 * `redisAclRuleFor(namespace)`: anything the library sends that the rule does not allow shows up in
 * ACL LOG, and each test ends by checking that ACL LOG holds nothing for that user.
 */
const NAMESPACE = 'acl_e2e';
const NO_INFO_NAMESPACE = 'acl_noinfo';
const summarize = (text: string) => ({ text, operation: 'summarize', options: { model: 'm' } });

const app: RedisAclUser = { name: 'cache_app', password: randomBytes(12).toString('hex'), rules: redisAclRuleFor(NAMESPACE) };
// ACL rules apply in order: `-info` after the rule takes INFO away again.
const noInfo: RedisAclUser = { name: 'cache_noinfo', password: randomBytes(12).toString('hex'), rules: `${redisAclRuleFor(NO_INFO_NAMESPACE)} -info` };
const NO_SCRIPTS_NAMESPACE = 'acl_noscripts';
const noScripts: RedisAclUser = { name: 'cache_noscripts', password: randomBytes(12).toString('hex'), rules: `${redisAclRuleFor(NO_SCRIPTS_NAMESPACE)} -evalsha -eval` };

describe('the module as a restricted Redis ACL user (real redis-server)', () => {
  let server: RedisServer;
  const apps: INestApplication[] = [];

  async function boot(user: RedisAclUser, options: CacheModuleOptions = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ namespace: NAMESPACE, redis: { url: server.urlFor(user), connectTimeoutMs: 2000, commandTimeoutMs: 500 }, ...options })],
    }).compile();
    const created = moduleRef.createNestApplication({ logger: false });
    apps.push(created);
    await created.init();
    return { cache: created.get(AIResponseCacheService), monitor: created.get(CacheMonitorService) };
  }

  const refusalsFor = async (user: RedisAclUser): Promise<AclLogEntry[]> => (await server.aclLog()).filter((entry) => entry.username === user.name);

  beforeAll(async () => {
    server = await startRedis({ aclUsers: [app, noInfo, noScripts] });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((created) => created.close()));
    // Each test reads ACL LOG and counts keys for itself: start every test from an empty log and
    // database (the harness's own `default` user on the test's own server, never the library).
    await server.cli('ACL', 'LOG', 'RESET');
    await server.cli('FLUSHALL');
  });

  afterAll(() => stopAllRedisServers());

  it('the user really is restricted: no other keys or channels, no KEYS, FLUSHDB, CONFIG, DEL', async () => {
    await server.cli('SET', 'other:key', 'not yours');
    expect(await server.cliAs(app, 'GET', 'other:key')).toMatch(/NOPERM/);
    expect(await server.cliAs(app, 'SUBSCRIBE', 'other:channel')).toMatch(/NOPERM/);
    for (const command of [['KEYS', '*'], ['FLUSHDB'], ['FLUSHALL'], ['CONFIG', 'GET', 'save'], ['DEL', `${NAMESPACE}:k`]]) {
      expect(await server.cliAs(app, ...command)).toMatch(/NOPERM/);
    }
    expect((await refusalsFor(app)).length).toBeGreaterThanOrEqual(7);
  });

  it('connects, and health is up', async () => {
    const { monitor } = await boot(app);
    expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true } });
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('set / get / exists / getTtl / delete on generic keys', async () => {
    const { cache } = await boot(app, { memoryCacheSize: 0 });
    await cache.set('user:1', { name: 'Ada' }, '2m');
    expect(await cache.get('user:1')).toEqual({ name: 'Ada' });
    expect(await cache.exists('user:1')).toBe(true);
    expect(await cache.getTtl('user:1')).toBeGreaterThan(100);
    expect((await server.cli('EXISTS', `${NAMESPACE}:user:1`)).trim()).toBe('1');
    expect(await cache.delete('user:1')).toBe(true);
    expect(await cache.exists('user:1')).toBe(false);
    expect(await cache.get('user:1')).toBeUndefined();
    expect(await cache.getTtl('user:1')).toBeUndefined();
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('AI entries: cacheResponse / getCachedResponse / getOrCompute, shared by two instances (L1 filled from Redis)', async () => {
    const a = await boot(app);
    const b = await boot(app);
    await a.cache.cacheResponse(summarize('shared'), { summary: 'one' });
    expect(await b.cache.getCachedResponse(summarize('shared'))).toMatchObject({ response: { summary: 'one' }, tier: 'redis' });
    expect(await b.cache.getCachedResponse(summarize('shared'))).toMatchObject({ tier: 'memory' });
    let computed = 0;
    const compute = async () => `computed ${++computed}`;
    expect(await a.cache.getOrCompute(summarize('lazy'), compute)).toBe('computed 1');
    expect(await b.cache.getOrCompute(summarize('lazy'), compute)).toBe('computed 1');
    expect(computed).toBe(1);
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('fleet-wide single flight runs within the rule: concurrent misses on two instances compute once', async () => {
    const a = await boot(app, { memoryCacheSize: 0 });
    const b = await boot(app, { memoryCacheSize: 0 });
    let computed = 0;
    const slowModel = async () => {
      computed++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 'once';
    };
    const answers = await Promise.all([a.cache.getOrCompute(summarize('fleet'), slowModel), b.cache.getOrCompute(summarize('fleet'), slowModel)]);
    expect(answers).toEqual(['once', 'once']);
    expect(computed).toBe(1);
    expect(a.monitor.getCounters().fleetWaits + b.monitor.getCounters().fleetWaits).toBe(1);
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('a user denied scripts: getOrCompute still answers and caches, single flight is per process, Redis stays in use', async () => {
    const { cache, monitor } = await boot(noScripts, { namespace: NO_SCRIPTS_NAMESPACE, memoryCacheSize: 0 });
    let computed = 0;
    const compute = async () => `computed ${++computed}`;
    expect(await cache.getOrCompute(summarize('no scripts'), compute)).toBe('computed 1');
    expect(await cache.getOrCompute(summarize('no scripts'), compute)).toBe('computed 1');
    expect(await cache.getOrCompute(summarize('another'), compute)).toBe('computed 2');
    expect(await cache.getCachedResponse(summarize('no scripts'))).toMatchObject({ tier: 'redis' });
    expect(monitor.getCounters().errors).toBe(0);
    expect((await monitor.getHealth()).status).toBe('up');
    // The script was refused once; after that the library no longer asks.
    const refusals = await refusalsFor(noScripts);
    expect(refusals.map((entry) => entry.object)).toEqual(['evalsha']);
  });

  it('invalidateByOperation / invalidatePattern / invalidateAll, seen by the other instance’s L1', async () => {
    const a = await boot(app);
    const b = await boot(app);
    await a.cache.cacheResponse(summarize('x'), 1);
    await a.cache.cacheResponse(summarize('y'), 2);
    await a.cache.cacheResponse({ text: 'x', operation: 'sentiment' }, 3);
    await a.cache.cacheResponse({ text: 'x', operation: 'qa', question: 'why?' }, 4);
    await a.cache.set('generic:1', 'g');
    // Warm b's L1, so that coherence over the channel (not just Redis) is what is checked.
    expect(await b.cache.getCachedResponse(summarize('x'))).toMatchObject({ tier: 'redis' });
    expect(await b.cache.getCachedResponse(summarize('x'))).toMatchObject({ tier: 'memory' });

    expect(await a.cache.invalidateByOperation('summarize', 'acl e2e')).toBe(2);
    expect(await waitUntil(async () => (await b.cache.getCachedResponse(summarize('x'))) === undefined, { attempts: 40, intervalMs: 25 })).toBe(true);
    expect(await a.cache.invalidatePattern('sentiment', 'acl e2e')).toBe(1);
    expect(await b.cache.getCachedResponse({ text: 'x', operation: 'sentiment' })).toBeUndefined();
    expect(await a.cache.invalidateAll('acl e2e')).toBe(2);
    expect(await b.cache.get('generic:1')).toBeUndefined();
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('stats count the namespace’s keys and Redis memory; health stays up', async () => {
    const { cache, monitor } = await boot(app);
    for (let i = 0; i < 3; i++) await cache.cacheResponse(summarize(`stats ${i}`), i);
    const stats = await cache.getCacheStats();
    expect(stats.driver).toBe('redis');
    expect(stats.redis).toMatchObject({ status: 'connected', keys: 3 });
    expect(stats.redis.memoryUsedBytes).toBeGreaterThan(0);
    expect(monitor.getPerformanceStats()).toMatchObject({ totalCacheOperations: expect.any(Number) });
    expect((await monitor.getHealth()).status).toBe('up');
    await cache.invalidateAll();
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('a user denied INFO still gets stats and health without an error: only Redis memory is missing', async () => {
    const { cache, monitor } = await boot(noInfo, { namespace: NO_INFO_NAMESPACE });
    await cache.cacheResponse(summarize('no info'), 'ok');
    const stats = await cache.getCacheStats();
    expect(stats.redis).toMatchObject({ status: 'connected', keys: 1 });
    expect(stats.redis.memoryUsedBytes).toBeUndefined();
    expect(await monitor.getHealth()).toMatchObject({ status: 'up', redis: { connected: true } });
    expect(await cache.getCachedResponse(summarize('no info'))).toMatchObject({ response: 'ok' });
    // INFO was tried and refused (so the test is about a real refusal), and nothing else was.
    const refusals = await refusalsFor(noInfo);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((entry) => entry.reason === 'command' && entry.object === 'info')).toBe(true);
    await cache.invalidateAll();
  });

  it('a user denied INFO: repeated stats calls never take Redis out of use, and it is said once in the log', async () => {
    const { cache, monitor } = await boot(noInfo, { namespace: NO_INFO_NAMESPACE, memoryCacheSize: 0 });
    for (let i = 0; i < 5; i++) expect((await cache.getCacheStats()).redis.status).toBe('connected');
    expect((await monitor.getHealth()).status).toBe('up');
    await cache.cacheResponse(summarize('still used'), 'yes');
    expect(await cache.getCachedResponse(summarize('still used'))).toMatchObject({ response: 'yes', tier: 'redis' });
  });

  it('encryption at rest needs no other command: the same user serves encrypted entries, and a failed decrypt removes one', async () => {
    const encryption = { keys: { k1: randomBytes(32).toString('base64') }, activeKeyId: 'k1' };
    const a = await boot(app, { encryption, memoryCacheSize: 0 });
    const b = await boot(app, { encryption });
    await a.cache.cacheResponse(summarize('sealed'), { summary: 'private' });
    await a.cache.set('user:1', { name: 'Ada' }, '2m');
    const stored = (await server.cli('GET', `${NAMESPACE}:user:1`)) ?? '';
    expect(stored.includes('Ada')).toBe(false);
    expect(await b.cache.getCachedResponse(summarize('sealed'))).toMatchObject({ response: { summary: 'private' }, tier: 'redis' });
    expect(await b.cache.getCachedResponse(summarize('sealed'))).toMatchObject({ tier: 'memory' });
    expect(await b.cache.get('user:1')).toEqual({ name: 'Ada' });
    expect(await a.cache.getTtl('user:1')).toBeGreaterThan(100);
    // An instance with another key: the entry does not open, is removed (UNLINK, within the rule) and counted.
    const other = await boot(app, { encryption: { keys: { k2: randomBytes(32) }, activeKeyId: 'k2' }, memoryCacheSize: 0 });
    expect(await other.cache.getCachedResponse(summarize('sealed'))).toBeUndefined();
    expect(other.monitor.getCounters().decryptFailures).toBe(1);
    expect((await server.cli('EXISTS', `${NAMESPACE}:${a.cache.buildKey(summarize('sealed'))}`)).trim()).toBe('0');
    expect(await a.cache.invalidateAll('acl e2e')).toBe(1);
    expect(await refusalsFor(app)).toEqual([]);
  });

  it('the README gives the same ACL line as redisAclRuleFor()', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    // Compared as a boolean: a failure would otherwise print the whole README.
    expect(readme.includes(redisAclRuleFor('ai_cache'))).toBe(true);
  });
});
