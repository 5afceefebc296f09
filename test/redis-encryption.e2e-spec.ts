/**
 * Encryption at rest through CacheModule, against a real redis-server: what Redis holds (bytes and
 * keys), rotation between instances, values that do not decrypt, and bootstrap validation.
 */
import { randomBytes } from 'node:crypto';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService, cacheConfig } from '@app/ai-cache';
import { clearCacheEnvironment } from './support/demo-app';
import { RedisServer, scanAllKeys, waitUntil } from './support/redis-harness';

const HEADER_BYTES = 24;
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const keyZ = randomBytes(32);

// Distinctive words, so that finding any of them in Redis can only mean a leak.
const TEXT = 'Patient Marguerite Okonkwo reports intermittent palpitations after her Zanzibar trip.';
const QUESTION = 'Should Marguerite stop taking propranolol?';
const ANSWER_WORDS = ['Quetzalcoatl', 'amiodarone', 'Okonkwo'];
const request = (text = TEXT) => ({ text, operation: 'qa', options: { model: 'm', temperature: 0 }, question: QUESTION });
const smallAnswer = { answer: 'Quetzalcoatl says: ask a cardiologist before changing amiodarone, Okonkwo.' };
const largeAnswer = { answer: `${smallAnswer.answer} `.repeat(60), points: ANSWER_WORDS };
const SECRET_WORDS = ['Marguerite', 'Okonkwo', 'palpitations', 'Zanzibar', 'propranolol', 'Quetzalcoatl', 'amiodarone'];

const encryption = (keys: Record<string, string | Buffer>, activeKeyId: string) => ({ keys, activeKeyId });
const counter = (monitor: CacheMonitorService, name: 'decryptFailures' | 'corruptedEntries') => monitor.getCounters()[name];
/** The key id a stored value was sealed with (length byte, then the id, right after the header). */
const keyIdOf = (bytes: Buffer) => bytes.toString('latin1', HEADER_BYTES + 1, HEADER_BYTES + 1 + bytes[HEADER_BYTES]);

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(String(message));
  }
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
  debug(): void {}
  verbose(): void {}
}

describe('encryption at rest (CacheModule, real redis-server)', () => {
  let server: RedisServer;
  let raw: Redis;
  const apps: INestApplication[] = [];
  const savedEnv = { ...process.env };

  async function instance(options: CacheModuleOptions = {}, logger?: LoggerService) {
    const builder = Test.createTestingModule({
      imports: [CacheModule.forRoot({ redis: { url: server.url, commandTimeoutMs: 300, connectTimeoutMs: 2000 }, ...options })],
    });
    // The store is created while the module compiles: the logger must be in place before that.
    const moduleRef = await (logger ? builder.setLogger(logger) : builder).compile();
    const app = moduleRef.createNestApplication({ logger: logger ?? false });
    apps.push(app);
    await app.init();
    return { cache: app.get(AIResponseCacheService), monitor: app.get(CacheMonitorService) };
  }

  const redisKeyOf = (cache: AIResponseCacheService, req = request()) => `ai_cache:${cache.buildKey(req)}`;

  beforeAll(async () => {
    server = await RedisServer.start();
    raw = new Redis(server.port, server.host, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    process.env = { ...savedEnv };
    await raw.flushall(); // the test's own client on the test's own server: never the library
  });

  afterAll(async () => {
    raw.disconnect();
    await server.stop();
  });

  it('round-trips AI entries and generic values, plain and compressed, from Redis and from L1', async () => {
    const writer = await instance({ encryption: encryption({ a: keyA }, 'a') });
    const reader = await instance({ encryption: encryption({ a: keyA }, 'a') });
    await writer.cache.cacheResponse(request(), smallAnswer);
    await writer.cache.cacheResponse(request('a second, longer text'), largeAnswer);
    await writer.cache.set('user:1', { name: 'Marguerite' }, '10m');

    expect(await reader.cache.getCachedResponse(request())).toMatchObject({ response: smallAnswer, tier: 'redis', compressed: false });
    expect(await reader.cache.getCachedResponse(request('a second, longer text'))).toMatchObject({ response: largeAnswer, tier: 'redis', compressed: true });
    // L1 keeps the decrypted entry: the next hit is in memory.
    expect(await reader.cache.getCachedResponse(request())).toMatchObject({ response: smallAnswer, tier: 'memory' });
    expect(await reader.cache.get('user:1')).toEqual({ name: 'Marguerite' });
    expect(await reader.cache.exists('user:1')).toBe(true);
    expect(await reader.cache.getTtl('user:1')).toBeGreaterThan(590);
    let computed = 0;
    expect(await reader.cache.getOrCompute(request('computed'), async () => ({ n: ++computed }))).toEqual({ n: 1 });
    expect(await writer.cache.getOrCompute(request('computed'), async () => ({ n: ++computed }))).toEqual({ n: 1 });
    expect(counter(reader.monitor, 'decryptFailures') + counter(writer.monitor, 'decryptFailures')).toBe(0);
  });

  it('leaves no response text, request text or question readable in Redis, and no user text in keys', async () => {
    const { cache } = await instance({ encryption: encryption({ a: keyA }, 'a'), namespace: 'sealed' });
    // The control: the same writes without encryption show the words (so the check below can fail).
    const plain = await instance({ namespace: 'plain' });
    for (const c of [cache, plain.cache]) {
      await c.cacheResponse(request(), smallAnswer);
      await c.cacheResponse(request('Okonkwo again, with a long answer'), largeAnswer);
      await c.set('note:1', { text: TEXT, question: QUESTION });
    }
    const valuesIn = async (namespace: string) => {
      const keys = (await scanAllKeys(raw)).filter((key) => key.startsWith(`${namespace}:`));
      expect(keys).toHaveLength(3);
      return { keys, values: Buffer.concat(await Promise.all(keys.map(async (key) => (await raw.getBuffer(key))!))) };
    };
    const sealed = await valuesIn('sealed');
    const control = await valuesIn('plain');
    expect(SECRET_WORDS.filter((word) => control.values.includes(Buffer.from(word)))).toEqual(SECRET_WORDS);
    expect(SECRET_WORDS.filter((word) => sealed.values.includes(Buffer.from(word)))).toEqual([]);
    expect(sealed.values.includes(Buffer.from('"v":'))).toBe(false); // not even the envelope's JSON
    expect(SECRET_WORDS.filter((word) => sealed.keys.join(' ').includes(word))).toEqual([]);
    // Every value is sealed (byte 6 of the header) with the active key's id.
    for (const key of sealed.keys) {
      const bytes = (await raw.getBuffer(key))!;
      expect([bytes[6], keyIdOf(bytes)]).toEqual([1, 'a']);
    }
  });

  it('rotation: entries written under key a are read by an instance with a and b (active b), whose writes carry b', async () => {
    const before = await instance({ encryption: encryption({ a: keyA }, 'a'), memoryCacheSize: 0 });
    await before.cache.cacheResponse(request(), smallAnswer);
    await before.cache.set('user:1', 'old');
    expect(keyIdOf((await raw.getBuffer(redisKeyOf(before.cache)))!)).toBe('a');

    const rotated = await instance({ encryption: encryption({ a: keyA, b: keyB }, 'b'), memoryCacheSize: 0 });
    expect(await rotated.cache.getCachedResponse(request())).toMatchObject({ response: smallAnswer, tier: 'redis' });
    expect(await rotated.cache.get('user:1')).toBe('old');
    await rotated.cache.cacheResponse(request('new'), largeAnswer);
    await rotated.cache.set('user:2', 'new');
    expect(keyIdOf((await raw.getBuffer(redisKeyOf(rotated.cache, request('new'))))!)).toBe('b');
    expect(keyIdOf((await raw.getBuffer('ai_cache:user:2'))!)).toBe('b');
    expect(counter(rotated.monitor, 'decryptFailures')).toBe(0);

    // Step 2 of the procedure, done too early: an instance without key a loses a's entries (misses, removed, counted).
    const retired = await instance({ encryption: encryption({ b: keyB }, 'b'), memoryCacheSize: 0 });
    expect(await retired.cache.getCachedResponse(request('new'))).toMatchObject({ response: largeAnswer });
    expect(await retired.cache.getCachedResponse(request())).toBeUndefined();
    expect(await raw.exists(redisKeyOf(before.cache))).toBe(0);
    expect(counter(retired.monitor, 'decryptFailures')).toBe(1);
  });

  it('an entry under an unknown key id and one with a flipped byte are misses, removed, counted in decryptFailures (JSON and Prometheus)', async () => {
    const other = await instance({ encryption: encryption({ z: keyZ }, 'z'), memoryCacheSize: 0 });
    await other.cache.cacheResponse(request('unknown id'), smallAnswer);
    const writer = await instance({ encryption: encryption({ a: keyA }, 'a'), memoryCacheSize: 0 });
    await writer.cache.cacheResponse(request('flipped'), largeAnswer);
    const flippedKey = redisKeyOf(writer.cache, request('flipped'));
    const bytes = (await raw.getBuffer(flippedKey))!;
    bytes[bytes.length - 40] ^= 0x04; // inside the ciphertext
    await raw.set(flippedKey, bytes, 'PX', 60_000);

    const { cache, monitor } = await instance({ encryption: encryption({ a: keyA }, 'a'), memoryCacheSize: 0 });
    expect(await cache.getCachedResponse(request('unknown id'))).toBeUndefined();
    expect(await cache.getCachedResponse(request('flipped'))).toBeUndefined();
    expect(await raw.exists(redisKeyOf(cache, request('unknown id')), flippedKey)).toBe(0);
    expect(monitor.getCounters()).toMatchObject({ decryptFailures: 2, corruptedEntries: 0 });
    expect(monitor.getPerformanceStats().counters.decryptFailures).toBe(2);
    expect(monitor.exportMetrics().counters.decryptFailures).toBe(2);
    expect(monitor.toPrometheus()).toContain('ai_cache_decrypt_failures_total{cache="ai_cache"} 2\n');
    expect(monitor.toPrometheus()).toContain('ai_cache_corrupted_entries_total{cache="ai_cache"} 0\n');
    // A miss, never an exception: getOrCompute computes and caches again.
    expect(await cache.getOrCompute(request('flipped'), async () => 'recomputed')).toBe('recomputed');
    expect(await cache.getCachedResponse(request('flipped'))).toMatchObject({ response: 'recomputed' });
  });

  it('a value copied under another key, or with its header changed, does not decrypt', async () => {
    const { cache, monitor } = await instance({ encryption: encryption({ a: keyA }, 'a'), memoryCacheSize: 0 });
    await cache.cacheResponse(request(), smallAnswer);
    const bytes = (await raw.getBuffer(redisKeyOf(cache)))!;
    await raw.set(redisKeyOf(cache, request('another request')), bytes, 'PX', 60_000);
    await raw.set('ai_cache:user:1', bytes, 'PX', 60_000);
    expect(await cache.getCachedResponse(request('another request'))).toBeUndefined();
    expect(await cache.get('user:1')).toBeUndefined();
    const longer = Buffer.from(bytes);
    longer.writeDoubleBE(longer.readDoubleBE(8) + 1000, 8); // a longer life: still a well-formed header
    longer.writeDoubleBE(longer.readDoubleBE(16) + 1000, 16);
    await raw.set(redisKeyOf(cache, request('header changed')), longer, 'PX', 60_000);
    expect(await cache.getCachedResponse(request('header changed'))).toBeUndefined();
    expect(counter(monitor, 'decryptFailures')).toBe(3);
    expect(await cache.getCachedResponse(request())).toMatchObject({ response: smallAnswer }); // the original still opens
  });

  it('two instances with different keys on one namespace cannot read each other’s entries', async () => {
    const a = await instance({ encryption: encryption({ k1: keyA }, 'k1'), memoryCacheSize: 0 });
    const b = await instance({ encryption: encryption({ k1: keyB }, 'k1'), memoryCacheSize: 0 }); // same id, another key
    await a.cache.cacheResponse(request(), smallAnswer);
    expect(await b.cache.getCachedResponse(request())).toBeUndefined();
    expect(counter(b.monitor, 'decryptFailures')).toBe(1);
    await b.cache.cacheResponse(request('b'), smallAnswer);
    expect(await a.cache.getCachedResponse(request('b'))).toBeUndefined();
    expect(counter(a.monitor, 'decryptFailures')).toBe(1);
  });

  it('with encryption on, an unencrypted entry (planted, or from before) is refused; with it off, encrypted entries are', async () => {
    const plain = await instance({ memoryCacheSize: 0 });
    await plain.cache.cacheResponse(request('forged'), { answer: 'planted by whoever can write to Redis' });
    const sealed = await instance({ encryption: encryption({ a: keyA }, 'a'), memoryCacheSize: 0 });
    expect(await sealed.cache.getCachedResponse(request('forged'))).toBeUndefined();
    expect(counter(sealed.monitor, 'decryptFailures')).toBe(1);

    await sealed.cache.cacheResponse(request(), smallAnswer);
    expect(await plain.cache.getCachedResponse(request())).toBeUndefined();
    expect(await raw.exists(redisKeyOf(plain.cache))).toBe(0);
    expect(counter(plain.monitor, 'decryptFailures')).toBe(1);
  });

  it('fails bootstrap naming the option for a bad key, an unknown active id or an unknown field, never showing a key', async () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[CacheModuleOptions['encryption'], RegExp]> = [
      [encryption({ k1: short }, 'k1'), /`encryption\.keys\.k1`: an AES-256 key is exactly 32 bytes, got base64 text of 16 bytes/],
      [encryption({ k1: keyA, k2: randomBytes(24) }, 'k1'), /`encryption\.keys\.k2`/],
      [encryption({ k1: keyA }, 'k2'), /`encryption\.activeKeyId`: expected one of the ids in encryption\.keys: 'k1'/],
      [encryption({ 'bad id': keyA }, 'bad id'), /`encryption\.keys`: key id "bad id" is not valid/],
      [{ ...encryption({ k1: keyA }, 'k1'), key: keyB } as never, /`encryption\.key`: unknown option/],
    ];
    for (const [options, message] of cases) {
      const failure = instance({ encryption: options }).then(
        () => undefined,
        (error: Error) => error,
      );
      const error = await failure;
      expect(error?.message).toMatch(message);
      for (const secret of [short, keyA, keyB]) expect(error!.message.includes(secret)).toBe(false);
    }
  });

  it('takes the keys from CACHE_ENCRYPTION_KEYS and CACHE_ENCRYPTION_ACTIVE_KEY, and logs key ids, never keys', async () => {
    clearCacheEnvironment();
    Object.assign(process.env, { REDIS_URL: server.url, CACHE_ENCRYPTION_KEYS: `old:${keyA},new:${keyB}`, CACHE_ENCRYPTION_ACTIVE_KEY: 'new' });
    const logger = new RecordingLogger();
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())] })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication({ logger });
    apps.push(app);
    await app.init();
    const cache = app.get(AIResponseCacheService);
    await cache.cacheResponse(request(), smallAnswer);
    expect(keyIdOf((await raw.getBuffer(redisKeyOf(cache)))!)).toBe('new');
    expect(logger.lines.some((line) => /values encrypted \(AES-256-GCM, active key 'new', keys 'old', 'new'\)/.test(line))).toBe(true);
    const everything = logger.lines.join('\n');
    expect([keyA, keyB, Buffer.from(keyA, 'base64').toString('hex')].filter((secret) => everything.includes(secret))).toEqual([]);
  });

  it('the memory driver validates encryption, says once that nothing is at rest, and works as usual', async () => {
    const logger = new RecordingLogger();
    const { cache } = await instance({ driver: 'memory', redis: undefined, encryption: encryption({ a: keyA }, 'a') }, logger);
    await cache.cacheResponse(request(), smallAnswer);
    expect(await cache.getCachedResponse(request())).toMatchObject({ response: smallAnswer, tier: 'memory' });
    expect(logger.lines.filter((line) => line.includes('encryption is configured but not used'))).toHaveLength(1);
    await expect(instance({ driver: 'memory', redis: undefined, encryption: encryption({ a: 'short' }, 'a') })).rejects.toThrow(/`encryption\.keys\.a`/);
    expect(await scanAllKeys(raw)).toEqual([]);
  });

  it('L1 on: a decrypt failure met while filling L1 is still a miss, and later writes are served from L1 again', async () => {
    const { cache, monitor } = await instance({ encryption: encryption({ a: keyA }, 'a') });
    const key = redisKeyOf(cache);
    const foreign = await instance({ encryption: encryption({ z: keyZ }, 'z'), memoryCacheSize: 0 });
    await foreign.cache.cacheResponse(request(), smallAnswer);
    expect(await cache.getCachedResponse(request())).toBeUndefined();
    expect(await waitUntil(async () => (await raw.exists(key)) === 0)).toBe(true);
    expect(counter(monitor, 'decryptFailures')).toBe(1);
    await cache.cacheResponse(request(), largeAnswer);
    expect(await cache.getCachedResponse(request())).toMatchObject({ response: largeAnswer, tier: 'memory' });
  });
});
