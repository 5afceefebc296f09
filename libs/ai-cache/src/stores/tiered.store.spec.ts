import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { CacheEntryCodec } from '../codec/cache-entry.codec';
import { RedisServer, startCluster, startRedis, stopAllRedisServers, waitUntil, scanAllKeys } from '../../../../test/support/redis-harness';
import type { StoreLogger } from './circuit-breaker';
import { RedisStore } from './redis.store';
import { TieredStore, TieredStoreOptions } from './tiered.store';

/** Subscribed connections on the server (`sub=1` in CLIENT LIST). */
async function subscriberConnections(client: Redis): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => / sub=[1-9]/.test(line)).length;
}

describe('TieredStore (L1 memory + L2 real redis-server)', () => {
  let server: RedisServer;
  let inspector: Redis;
  const stores: TieredStore[] = [];
  let namespaceCounter = 0;

  /** A tiered store on `url`; every test gets its own namespace so that tests cannot see each other. */
  const makeStore = (
    url: string,
    namespace: string,
    overrides: Partial<Omit<TieredStoreOptions, 'redis'>> = {},
    redisOverrides: { client?: Redis; connectTimeoutMs?: number; logger?: StoreLogger } = {},
  ) => {
    const redis = new RedisStore({
      namespace,
      url: redisOverrides.client ? undefined : url,
      client: redisOverrides.client,
      connectTimeoutMs: redisOverrides.connectTimeoutMs ?? 2000,
      commandTimeoutMs: 200,
      breaker: { baseCooldownMs: 200, maxCooldownMs: 400 },
      logger: redisOverrides.logger,
    });
    const store = new TieredStore({ redis, memoryCacheSize: 10, connectTimeoutMs: redisOverrides.connectTimeoutMs ?? 2000, ...overrides });
    stores.push(store);
    return store;
  };
  const nextNamespace = () => `tiered_${++namespaceCounter}`;

  beforeAll(async () => {
    server = await startRedis();
    inspector = new Redis(server.port, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    inspector.disconnect();
    await stopAllRedisServers();
  });

  it('round-trips through both tiers and reports the tier; a second instance reads the first one\'s entries', async () => {
    const namespace = nextNamespace();
    const a = makeStore(server.url, namespace);
    const b = makeStore(server.url, namespace);
    await Promise.all([a.connect(), b.connect()]);

    await a.set('k', Buffer.from('value'), 60_000);
    // B hears A's write announcement (nothing to evict yet); after it, B's L1 copy stays.
    expect(await waitUntil(() => b.invalidationCounters()?.received === 1)).toBe(true);
    expect(await a.get('k')).toEqual({ bytes: Buffer.from('value'), tier: 'memory' });
    expect(await b.get('k')).toEqual({ bytes: Buffer.from('value'), tier: 'redis' });
    expect(await b.get('k')).toEqual({ bytes: Buffer.from('value'), tier: 'memory' }); // copied into B's L1
    expect(await inspector.getBuffer(`${namespace}:k`)).toEqual(Buffer.from('value'));
    expect(await a.exists('k')).toBe(true);
    expect(await b.get('missing')).toBeUndefined();
  });

  it('stores compressed bytes as binary: what comes back from either tier is byte-identical', async () => {
    const namespace = nextNamespace();
    const a = makeStore(server.url, namespace);
    const b = makeStore(server.url, namespace);
    await Promise.all([a.connect(), b.connect()]);
    const json = JSON.stringify({ summary: 'é'.repeat(3000), n: Array.from({ length: 200 }, (_, i) => i) });
    const compressed = Buffer.concat([Buffer.from([0x01]), deflateSync(json), randomBytes(64)]);

    await a.set('zipped', compressed, 60_000);
    const fromRedis = await b.get('zipped');
    const fromMemory = await a.get('zipped');
    expect(fromRedis?.tier).toBe('redis');
    expect(fromMemory?.tier).toBe('memory');
    expect(fromRedis?.bytes?.equals(compressed)).toBe(true);
    expect(fromMemory?.bytes?.equals(compressed)).toBe(true);
    expect((await inspector.getBuffer(`${namespace}:zipped`))?.equals(compressed)).toBe(true);
    expect(inflateSync(fromRedis!.bytes!.subarray(1, fromRedis!.bytes!.length - 64)).toString()).toBe(json);
  });

  it('with the codec\'s decode: decodes a Redis hit once, fills L1 with it, and passes undecodable bytes up as bytes', async () => {
    const codec = new CacheEntryCodec({ compressionThreshold: 100, compressionLevel: 6 });
    const namespace = nextNamespace();
    const writer = makeStore(server.url, namespace, { decode: (b) => codec.decode(b) });
    const reader = makeStore(server.url, namespace, { decode: (b) => codec.decode(b) });
    await Promise.all([writer.connect(), reader.connect()]);
    const value = { summary: 'words '.repeat(100), points: [1, 2, 3] };
    const encoded = codec.encode(value, { operation: 'summarize', cachedAt: 7 });
    expect(encoded.compressed).toBe(true);

    await writer.set('k', encoded.bytes, 60_000, encoded.plain);
    expect((await inspector.getBuffer(`${namespace}:k`))?.equals(encoded.bytes)).toBe(true);
    const fromWriterL1 = await writer.get('k');
    expect(fromWriterL1).toMatchObject({ tier: 'memory', decoded: { value, cachedAt: 7, compressed: false } });

    const fromRedis = await reader.get('k');
    expect(fromRedis?.bytes).toBeUndefined();
    expect(fromRedis).toMatchObject({ tier: 'redis', decoded: { value, cachedAt: 7, operation: 'summarize', compressed: true } });
    const fromReaderL1 = await reader.get('k');
    expect(fromReaderL1).toMatchObject({ tier: 'memory', decoded: { value, compressed: false } });

    await inspector.set(`${namespace}:foreign`, 'not an envelope', 'PX', 60_000);
    expect(await reader.get('foreign')).toEqual({ bytes: Buffer.from('not an envelope'), tier: 'redis' });
  });

  it('sets the TTL in Redis (PTTL) and reports it', async () => {
    const namespace = nextNamespace();
    const store = makeStore(server.url, namespace);
    await store.connect();
    await store.set('ttl', Buffer.from('x'), 45_000);
    const pttl = await inspector.pttl(`${namespace}:ttl`);
    expect(pttl).toBeGreaterThan(40_000);
    expect(pttl).toBeLessThanOrEqual(45_000);
    const ttl = await store.ttl('ttl');
    expect(ttl).toBeGreaterThan(40_000);
    expect(ttl).toBeLessThanOrEqual(45_000);
  });

  it('never lets an L1 copy outlive the Redis entry, whether L1 got it by a write or by a read', async () => {
    const namespace = nextNamespace();
    const writer = makeStore(server.url, namespace);
    const reader = makeStore(server.url, namespace);
    await Promise.all([writer.connect(), reader.connect()]);
    await writer.set('short', Buffer.from('x'), 400);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await reader.get('short'))?.tier).toBe('redis'); // copied into reader's L1 with what Redis had left

    let servedFromMemory = 0;
    let servedAfterRedisExpiry = 0;
    for (let i = 0; i < 200; i++) {
      const goneFromRedis = (await inspector.exists(`${namespace}:short`)) === 0;
      const [fromWriter, fromReader] = [await writer.get('short'), await reader.get('short')];
      for (const entry of [fromWriter, fromReader]) {
        if (entry?.tier === 'memory') servedFromMemory++;
        if (entry && goneFromRedis) servedAfterRedisExpiry++;
      }
      if (goneFromRedis) break;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    expect(servedFromMemory).toBeGreaterThan(2); // the L1 copies really were being used…
    expect(servedAfterRedisExpiry).toBe(0); // …and none answered once Redis had dropped the entry
    expect((await writer.stats()).memory.entries).toBe(0);
  });

  it('keeps L1 coherent across two instances within 100 ms: overwrite, delete, deleteMatching, clear', async () => {
    const namespace = nextNamespace();
    const a = makeStore(server.url, namespace);
    const b = makeStore(server.url, namespace);
    await Promise.all([a.connect(), b.connect()]);
    const withinHundredMs = (condition: () => Promise<boolean>) => waitUntil(condition, { attempts: 20, intervalMs: 5 });
    // A's own writes are announced too; B must have heard those before it warms its L1, or the
    // announcement (legitimately) evicts what B just copied.
    const heard = (count: number) => waitUntil(() => (b.invalidationCounters()?.received ?? 0) >= count);
    const warm = async (key: string) => {
      await b.get(key);
      expect((await b.get(key))?.tier).toBe('memory');
    };

    await a.set('k', Buffer.from('v1'), 60_000);
    await heard(1);
    await warm('k');
    await a.set('k', Buffer.from('v2'), 60_000);
    expect(await withinHundredMs(async () => (await b.get('k'))?.bytes?.toString() === 'v2')).toBe(true);

    await heard(2);
    await warm('k');
    await a.delete('k');
    expect(await withinHundredMs(async () => (await b.get('k')) === undefined)).toBe(true);

    await a.set('op:1', Buffer.from('x'), 60_000);
    await a.set('other:1', Buffer.from('y'), 60_000);
    await heard(5);
    await Promise.all([warm('op:1'), warm('other:1')]);
    await a.deleteMatching('op:*');
    expect(await withinHundredMs(async () => (await b.get('op:1')) === undefined)).toBe(true);
    expect((await b.get('other:1'))?.tier).toBe('memory');

    await a.clear();
    expect(await withinHundredMs(async () => (await b.stats()).memory.entries === 0)).toBe(true);
    expect(await b.get('other:1')).toBeUndefined();
    expect(b.invalidationCounters()?.received).toBe(7);
  });

  it('does not copy a read into L1 when the key was overwritten while the read was in flight', async () => {
    const namespace = nextNamespace();
    const a = makeStore(server.url, namespace);
    const redisB = new RedisStore({ namespace, url: server.url, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    const b = new TieredStore({ redis: redisB, memoryCacheSize: 10 });
    stores.push(b);
    await Promise.all([a.connect(), b.connect()]);
    await a.set('k', Buffer.from('old'), 60_000);
    expect(await waitUntil(() => b.invalidationCounters()?.received === 1)).toBe(true);

    // B's read gets its answer from Redis, then is held back (as a slow event loop would) while A
    // overwrites the key and the announcement reaches B.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const read = redisB.getWithTtl.bind(redisB);
    jest.spyOn(redisB, 'getWithTtl').mockImplementationOnce(async (key) => {
      const answer = await read(key);
      await held;
      return answer;
    });
    const inFlight = b.get('k');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a.set('k', Buffer.from('new'), 60_000);
    expect(await waitUntil(() => b.invalidationCounters()?.received === 2)).toBe(true);
    release();

    expect((await inFlight)?.bytes?.toString()).toBe('old'); // it was read before the overwrite…
    expect(await b.get('k')).toEqual({ bytes: Buffer.from('new'), tier: 'redis' }); // …but never cached
  });

  it('counts distinct keys: an entry in L1 and in Redis is removed once and counted once', async () => {
    const namespace = nextNamespace();
    const a = makeStore(server.url, namespace);
    const b = makeStore(server.url, namespace);
    await Promise.all([a.connect(), b.connect()]);
    for (const key of ['s:1', 's:2', 's:3']) await a.set(key, Buffer.from(key), 60_000); // both tiers of A
    await b.set('s:4', Buffer.from('s4'), 60_000); // Redis only, as far as A knows
    await a.set('t:1', Buffer.from('t'), 60_000);

    expect(await a.deleteMatching('s:*')).toBe(4);
    expect(await a.delete('t:1')).toBe(true);
    expect(await a.delete('t:1')).toBe(false);
    expect(await a.clear()).toBe(0);
    expect(await scanAllKeys(inspector).then((keys) => keys.filter((key) => key.startsWith(`${namespace}:`)))).toEqual([]);
  });

  it('works without L1 (memoryCacheSize 0): every hit comes from Redis', async () => {
    const namespace = nextNamespace();
    const store = makeStore(server.url, namespace, { memoryCacheSize: 0 });
    await store.connect();
    await store.set('k', Buffer.from('v'), 60_000);
    expect((await store.get('k'))?.tier).toBe('redis');
    expect((await store.get('k'))?.tier).toBe('redis');
    expect((await store.stats()).memory).toEqual({ entries: 0, maxEntries: 0, bytes: 0 });
  });

  it('keeps two namespaces on one Redis apart, L1 included, through clear() and deleteMatching("*")', async () => {
    const one = makeStore(server.url, 'space_one');
    const two = makeStore(server.url, 'space_two');
    await Promise.all([one.connect(), two.connect()]);
    for (const store of [one, two]) {
      await store.set('same', Buffer.from('x'), 60_000);
      await store.set('other', Buffer.from('y'), 60_000);
    }
    expect(await one.clear()).toBe(2);
    expect(await one.deleteMatching('*')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let any (wrong) cross-namespace message arrive
    expect((await two.get('same'))?.tier).toBe('memory');
    expect(await inspector.exists('space_two:same', 'space_two:other')).toBe(2);
    expect(await two.deleteMatching('*')).toBe(2);
  });

  it('reads its entries back after a Redis restart with AOF on, from a fresh instance and from itself', async () => {
    const durable = await startRedis({ appendOnly: true });
    const namespace = nextNamespace();
    const store = makeStore(durable.url, namespace);
    await store.connect();
    const bytes = randomBytes(1024);
    await store.set('durable', bytes, 60_000);

    await durable.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    const fresh = makeStore(durable.url, namespace);
    await fresh.connect();
    const entry = await fresh.get('durable');
    expect(entry?.tier).toBe('redis');
    expect(entry?.bytes?.equals(bytes)).toBe(true);
    // Its subscription came back after the restart, which cleared its L1: the entry comes from Redis.
    expect(await waitUntil(async () => (await store.get('durable'))?.tier === 'redis')).toBe(true);
    await durable.stop();
  });

  it('survives kill -9 of Redis mid-run: no call throws, memory serves, and it recovers by itself', async () => {
    const victim = await startRedis();
    const namespace = nextNamespace();
    const lines: string[] = [];
    const logger: StoreLogger = { log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`) };
    const store = makeStore(victim.url, namespace, { memoryCacheSize: 2, degradedMemorySize: 100, logger }, { logger });
    await store.connect();
    await store.set('before', Buffer.from('b'), 60_000);

    await victim.kill9();
    const settled: string[] = [];
    for (let i = 0; i < 50; i++) {
      const key = `during:${i % 10}`;
      const call =
        i % 5 === 0 ? store.set(key, Buffer.from(`v${i}`), 60_000)
        : i % 5 === 1 ? store.get(key)
        : i % 5 === 2 ? store.exists(key)
        : i % 5 === 3 ? store.ttl(key)
        : store.deleteMatching('nothing:*');
      settled.push(await call.then(() => 'resolved', (error: Error) => `threw ${error.message}`));
    }
    expect(settled).toEqual(Array(50).fill('resolved'));
    expect(store.degraded).toBe(true);
    expect(store.breakerCounters().shortCircuited).toBeGreaterThan(0);
    // Writes made during the outage are served from memory, beyond the 2-entry L1.
    for (const i of [0, 5, 10, 15, 20, 25, 30, 35, 40, 45].slice(-2)) {
      expect(await store.get(`during:${i % 10}`)).toEqual({ bytes: Buffer.from(`v${i}`), tier: 'memory' });
    }
    expect((await store.get('before'))?.tier).toBe('memory'); // still in L1: fail-open read
    expect(await store.health()).toMatchObject({ connected: false, status: 'degraded' });
    expect((await store.stats()).redis.status).toBe('degraded');

    await victim.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    expect((await store.stats()).redis.status).toBe('connected');
    await store.set('after', Buffer.from('a'), 60_000);
    expect(store.degraded).toBe(false);
    const inspectVictim = new Redis(victim.port, '127.0.0.1');
    expect(await inspectVictim.get(`${namespace}:after`)).toBe('a');
    inspectVictim.disconnect();
    // One warning for the outage and one line for the recovery, not one per call.
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([expect.stringMatching(/^warn Redis circuit opened/)]);
    expect(lines.filter((line) => line.startsWith('log'))).toEqual(['log Redis circuit closed: backend answering again']);
    await victim.stop();
  });

  it('starts degraded with Redis down, caches in memory even with no L1, and uses Redis once it is up', async () => {
    const late = await startRedis();
    const url = late.url;
    await late.shutdown(); // same port, nothing listening yet
    const namespace = nextNamespace();
    const store = makeStore(url, namespace, { memoryCacheSize: 0 }, { connectTimeoutMs: 200 });
    await store.connect();
    expect((await store.stats()).redis.status).toBe('degraded');

    await store.set('offline', Buffer.from('o'), 60_000);
    expect(await store.get('offline')).toEqual({ bytes: Buffer.from('o'), tier: 'memory' });
    expect(await store.exists('offline')).toBe(true);
    expect(await store.ttl('offline')).toBeGreaterThan(50_000);
    expect(await store.deleteMatching('off*')).toBe(1);

    await late.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    await store.set('online', Buffer.from('n'), 60_000);
    expect((await store.get('online'))?.tier).toBe('redis');
    await late.stop();
  });

  it('leaves a user-given client open after close(), and closes the subscriber it duplicated', async () => {
    const userClient = new Redis(server.port, '127.0.0.1');
    const before = await subscriberConnections(inspector);
    const store = makeStore(server.url, nextNamespace(), {}, { client: userClient });
    await store.connect();
    await store.set('k', Buffer.from('v'), 10_000);
    expect(await subscriberConnections(inspector)).toBe(before + 1);

    await store.close();
    expect(userClient.status).toBe('ready');
    expect(await userClient.ping()).toBe('PONG');
    expect(await waitUntil(async () => (await subscriberConnections(inspector)) === before)).toBe(true);
    await userClient.quit();
  });

  it('never sent KEYS, FLUSHDB or FLUSHALL to Redis in the whole scenario', async () => {
    const commandStats = (await inspector.info('commandstats')).split('\n');
    expect(commandStats.some((line) => line.startsWith('cmdstat_scan:'))).toBe(true);
    expect(commandStats.some((line) => line.startsWith('cmdstat_unlink:'))).toBe(true);
    expect(commandStats.some((line) => line.startsWith('cmdstat_publish:'))).toBe(true);
    expect(commandStats.filter((line) => /^cmdstat_(keys|flushdb|flushall):/.test(line))).toEqual([]);
  });
});

describe('TieredStore on a Redis Cluster (3 masters)', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const stores: TieredStore[] = [];
  const make = () => {
    const redis = new RedisStore({ namespace: 'ai_cache', cluster: { nodes: cluster.seeds }, connectTimeoutMs: 5000, commandTimeoutMs: 500 });
    const store = new TieredStore({ redis, memoryCacheSize: 10, connectTimeoutMs: 5000 });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await cluster?.stop();
  });

  it('serves both tiers and keeps two instances\' L1 coherent over the cluster\'s pub/sub', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.connect(), b.connect()]);
    await a.set('k', Buffer.from('v1'), 60_000);
    expect(await waitUntil(() => b.invalidationCounters()?.received === 1)).toBe(true);
    expect((await b.get('k'))?.tier).toBe('redis');
    expect((await b.get('k'))?.tier).toBe('memory');

    await a.set('k', Buffer.from('v2'), 60_000);
    expect(await waitUntil(async () => (await b.get('k'))?.bytes?.toString() === 'v2', { attempts: 20, intervalMs: 5 })).toBe(true);
    for (let i = 0; i < 20; i++) await a.set(`spread:${i}`, Buffer.from('x'), 60_000);
    const heardByA = a.invalidationCounters()?.received ?? 0;
    expect(await b.deleteMatching('spread:*')).toBe(20);
    // A's L1 holds the last spread keys it wrote until B's announcement arrives.
    expect(await waitUntil(() => a.invalidationCounters()?.received === heardByA + 1)).toBe(true);
    expect(await a.clear()).toBe(1);
  });
});
