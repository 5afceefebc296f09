import { createSecretKey, randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import {
  RedisServer,
  startCluster,
  startRedis,
  stopAllRedisServers,
  waitUntil,
  scanAllKeys,
} from '../../../../test/support/redis-harness';
import { codecFor, entryFor } from '../../../../test/support/store-fixtures';
import { AesGcmSealer } from '../codec/aes-gcm.sealer';
import { CircuitOpenError } from './circuit-breaker';
import { RedisStore, RedisStoreOptions } from './redis.store';

const COMMAND_TIMEOUT_MS = 200;

/** Empties the test server without FLUSHDB/FLUSHALL, so that the final check can forbid them outright. */
async function wipe(client: Redis): Promise<void> {
  const keys = await scanAllKeys(client);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

describe('RedisStore (real redis-server)', () => {
  let server: RedisServer;
  let inspector: Redis;
  const stores: RedisStore[] = [];

  const makeStore = (overrides: Partial<RedisStoreOptions> = {}) => {
    const store = new RedisStore({
      namespace: 'ai_cache',
      codec: codecFor(),
      url: server.url,
      connectTimeoutMs: 2000,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      ...overrides,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startRedis();
    inspector = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
    await inspector.connect();
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    inspector.disconnect();
    await stopAllRedisServers();
  });

  beforeEach(async () => {
    // Each test starts from an empty server (the test's own server, never the machine's Redis).
    await wipe(inspector);
  });

  describe('data commands', () => {
    let store: RedisStore;
    beforeAll(async () => {
      store = makeStore();
      await store.connect();
    });

    it('stores an entry under `${namespace}:${key}` as our envelope (binary when compressed) and reads it back, from tier redis', async () => {
      const value = { summary: 'Ünïcödé and words. '.repeat(200), n: [1, 2, 3] };
      const [entry, json] = entryFor(value, 60_000, { operation: 'summarize' });
      await store.set('user:1', entry, json);

      const read = await store.get('user:1');
      expect(read).toEqual({ tier: 'redis', entry: { ...entry, compressed: true } });
      const raw = (await inspector.getBuffer('ai_cache:user:1'))!;
      expect(raw.subarray(0, 6)).toEqual(Buffer.from([0xa1, 0x41, 0x49, 0x43, 0x02, 0x01]));
      expect(raw.length).toBeLessThan(entry.size / 4);
      expect(await inspector.exists('user:1')).toBe(0);
    });

    it('reads with one GETRANGE capped at the largest entry it could have written, never the whole of a longer value', async () => {
      const small = makeStore({ codec: codecFor({ maxEntryBytes: 1024 }) });
      await small.connect();
      await inspector.set('ai_cache:long', Buffer.alloc(5 * 1024 * 1024, 0x61));
      const before = Number((await server.info('stats')).total_net_output_bytes);
      expect(await small.get('long')).toBeUndefined();
      const sent = Number((await server.info('stats')).total_net_output_bytes) - before;
      expect(sent).toBeLessThan(64 * 1024); // not the 5 MB
      expect(await inspector.exists('ai_cache:long')).toBe(0);
    });

    it('sets the TTL in Redis (PX) and reports what is left', async () => {
      await store.set('short', ...entryFor('x', 30_000));
      const pttl = await inspector.pttl('ai_cache:short');
      expect(pttl).toBeGreaterThan(25_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
      const ttl = await store.ttl('short');
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(await store.ttl('missing')).toBeUndefined();
    });

    it('rounds a fractional TTL up and treats a non-positive TTL as already expired', async () => {
      await store.set('fraction', ...entryFor('x', 1500.2));
      expect(await inspector.pttl('ai_cache:fraction')).toBeGreaterThan(1400);
      await store.set('fraction', ...entryFor('y', 0));
      expect(await inspector.exists('ai_cache:fraction')).toBe(0);
    });

    it('lets Redis expire the entry', async () => {
      await store.set('ephemeral', ...entryFor('x', 50));
      expect(await waitUntil(async () => (await store.get('ephemeral')) === undefined, { attempts: 40, intervalMs: 25 })).toBe(true);
      expect(await store.exists('ephemeral')).toBe(false);
    });

    it('a read carries the entry\'s absolute expiry from its header: no PTTL, no MULTI', async () => {
      const [entry, json] = entryFor('value', 10_000, { staleMs: 5_000 });
      await store.set('both', entry, json);
      const read = await store.get('both');
      expect(read?.entry).toMatchObject({ value: 'value', expiresAt: entry.expiresAt, staleUntil: entry.staleUntil });
      expect(await store.get('nothing')).toBeUndefined();
    });

    it('exists / delete report what happened', async () => {
      await store.set('k', ...entryFor('v', 10_000));
      expect(await store.exists('k')).toBe(true);
      expect(await store.delete('k')).toBe(true);
      expect(await store.delete('k')).toBe(false);
      expect(await store.exists('k')).toBe(false);
    });

    it('treats a foreign value of another type under our prefix as a miss and removes it', async () => {
      await inspector.hset('ai_cache:foreign', 'field', 'value');
      expect(await store.get('foreign')).toBeUndefined();
      expect(await inspector.exists('ai_cache:foreign')).toBe(0);
      await inspector.rpush('ai_cache:foreign2', 'x');
      expect(await store.get('foreign2')).toBeUndefined();
      expect(store.breakerCounters().state).toBe('closed');
    });

    it('get, exists and ttl agree on foreign values: a hash, a plain string, a value without expiry', async () => {
      let corrupted = 0;
      const observed = makeStore({ observer: { corruptedEntry: () => corrupted++ } });
      await observed.connect();
      await inspector.hset('ai_cache:hash', 'field', 'value');
      expect(await observed.exists('hash')).toBe(false);
      expect(await observed.ttl('hash')).toBeUndefined();
      await inspector.set('ai_cache:text', 'someone else wrote this');
      expect(await observed.exists('text')).toBe(false);
      expect(await observed.ttl('text')).toBeUndefined();
      expect(await observed.get('text')).toBeUndefined();
      expect(corrupted).toBe(1);
      // Our envelope written without expiry by someone: it is ours, with no end.
      const [entry, json] = entryFor('forever', 60_000);
      const forever = { ...entry, expiresAt: Number.POSITIVE_INFINITY, staleUntil: Number.POSITIVE_INFINITY };
      await observed.set('forever', forever, json);
      expect(await inspector.pttl('ai_cache:forever')).toBe(-1);
      expect(await observed.exists('forever')).toBe(true);
      expect(await observed.ttl('forever')).toBe(Number.POSITIVE_INFINITY);
    });

    it('a value that does not decrypt is a miss, removed, and counted as a decrypt failure, not as corrupted', async () => {
      const counts = { corrupted: 0, decrypt: 0 };
      const sealer = new AesGcmSealer({ keys: new Map([['k1', createSecretKey(randomBytes(32))]]), activeKeyId: 'k1' });
      const onOpenFailure = () => counts.decrypt++;
      const encrypted = makeStore({ codec: codecFor({ sealer, onOpenFailure }), observer: { corruptedEntry: () => counts.corrupted++ } });
      await encrypted.connect();
      await encrypted.set('sealed', ...entryFor('secret answer', 60_000));
      expect((await encrypted.get('sealed'))?.entry.value).toBe('secret answer');
      expect((await inspector.getBuffer('ai_cache:sealed'))!.includes(Buffer.from('secret answer'))).toBe(false);

      const bytes = (await inspector.getBuffer('ai_cache:sealed'))!;
      bytes[bytes.length - 1] ^= 1;
      await inspector.set('ai_cache:sealed', bytes, 'PX', 60_000);
      expect(await encrypted.get('sealed')).toBeUndefined();
      expect(await inspector.exists('ai_cache:sealed')).toBe(0);
      expect(counts).toEqual({ corrupted: 0, decrypt: 1 });
      // Junk under our key is still a corrupted entry.
      await inspector.set('ai_cache:junk', 'not ours');
      expect(await encrypted.get('junk')).toBeUndefined();
      expect(counts).toEqual({ corrupted: 1, decrypt: 1 });
    });

    it('deleteMatching removes exactly the keys the glob selects, across many SCAN pages', async () => {
      const pipeline = inspector.pipeline();
      for (let i = 0; i < 1200; i++) pipeline.set(`ai_cache:summarize:${i}`, 'x', 'PX', 60_000);
      for (let i = 0; i < 30; i++) pipeline.set(`ai_cache:summarize_v2:${i}`, 'x', 'PX', 60_000);
      pipeline.set('ai_cache:qa:1', 'x');
      pipeline.set('other:summarize:1', 'x');
      await pipeline.exec();

      const scanned: string[] = [];
      const removed = await store.deleteMatching('summarize:*', (keys) => scanned.push(...keys));
      expect(removed).toBe(1200);
      expect(new Set(scanned).size).toBe(1200);
      expect(scanned.every((key) => key.startsWith('summarize:'))).toBe(true);
      expect(await inspector.dbsize()).toBe(32);
      expect(await inspector.exists('ai_cache:summarize_v2:0', 'ai_cache:qa:1', 'other:summarize:1')).toBe(3);
    });

    it('honours glob characters in the pattern', async () => {
      await Promise.all(['op:a1', 'op:b1', 'op:c2', 'op:[x]'].map((key) => store.set(key, ...entryFor('x', 60_000))));
      expect(await store.deleteMatching('op:[ab]1')).toBe(2);
      expect(await store.deleteMatching('op:\\[x\\]')).toBe(1);
      expect(await store.exists('op:c2')).toBe(true);
    });

    it('clear() removes the namespace only, never other keys, and never flushes the database', async () => {
      await store.set('a', ...entryFor('1', 60_000));
      await store.set('b:c', ...entryFor('2', 60_000));
      await inspector.set('ai_cachex:not-ours', '1');
      await inspector.set('unrelated', '1');
      expect(await store.clear()).toBe(2);
      expect(await scanAllKeys(inspector)).toEqual(['ai_cachex:not-ours', 'unrelated']);
    });

    it('stats(): status, the namespace key count (SCAN, cached a few seconds) and used memory', async () => {
      const cachedStore = makeStore({ keyCountCacheMs: 60_000 });
      const uncachedStore = makeStore({ keyCountCacheMs: 0 });
      await Promise.all([cachedStore.connect(), uncachedStore.connect()]);
      await Promise.all(['1', '2', '3'].map((key) => store.set(key, ...entryFor('x', 60_000))));
      await inspector.set('elsewhere:1', 'x');

      const stats = await cachedStore.stats();
      expect(stats.redis.status).toBe('connected');
      expect(stats.redis.keys).toBe(3);
      expect(stats.redis.memoryUsedBytes).toBeGreaterThan(0);

      await store.set('4', ...entryFor('x', 60_000));
      expect((await cachedStore.stats()).redis.keys).toBe(3); // reused, not rescanned
      expect((await uncachedStore.stats()).redis.keys).toBe(4);
      await cachedStore.deleteMatching('*');
      expect((await cachedStore.stats()).redis.keys).toBe(0); // its own invalidation drops the cached count
    });

    it('health(): a PING round trip', async () => {
      const health = await store.health();
      expect(health).toMatchObject({ connected: true, status: 'connected' });
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    });
  });

  it('keeps two namespaces on one Redis apart, including clear() and deleteMatching("*")', async () => {
    const tenantA = makeStore({ namespace: 'tenant_a' });
    const tenantB = makeStore({ namespace: 'tenant_b' });
    // A namespace with glob characters is taken literally, never as a pattern.
    const literal = makeStore({ namespace: 'ns[ab]' });
    await Promise.all([tenantA.connect(), tenantB.connect(), literal.connect()]);
    for (const store of [tenantA, tenantB, literal]) {
      await store.set('shared-key', ...entryFor(store.namespace, 60_000));
      await store.set('other', ...entryFor(store.namespace, 60_000));
    }
    await inspector.set('nsa:shared-key', 'x');

    expect((await tenantA.get('shared-key'))?.entry.value).toBe('tenant_a');
    expect((await tenantB.get('shared-key'))?.entry.value).toBe('tenant_b');
    expect(await tenantA.deleteMatching('*')).toBe(2);
    expect((await tenantB.get('shared-key'))?.entry.value).toBe('tenant_b');
    expect(await literal.clear()).toBe(2);
    expect(await inspector.exists('nsa:shared-key')).toBe(1);
    expect(await tenantB.clear()).toBe(2);
    expect(await scanAllKeys(inspector)).toEqual(['nsa:shared-key']);
  });

  it('selects the database, user and password of the url', async () => {
    await inspector.call('ACL', 'SETUSER', 'cache-user', 'on', '>s3cret', '~*', '&*', '+@all');
    const store = makeStore({ url: `redis://cache-user:s3cret@127.0.0.1:${server.port}/3` });
    await store.connect();
    await store.set('in-db-3', ...entryFor('x', 60_000));
    expect(await inspector.exists('ai_cache:in-db-3')).toBe(0);
    const db3 = inspector.duplicate({ db: 3 });
    expect(await db3.exists('ai_cache:in-db-3')).toBe(1);
    db3.disconnect();
    await inspector.call('ACL', 'DELUSER', 'cache-user');
  });

  it('uses a user-given client as is and leaves it open after close()', async () => {
    const userClient = new Redis(server.port, '127.0.0.1');
    const store = new RedisStore({ namespace: 'byo', codec: codecFor(), client: userClient, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    await store.connect();
    await store.set('k', ...entryFor('v', 10_000));
    await store.close();

    expect(userClient.status).toBe('ready');
    expect(await userClient.exists('byo:k')).toBe(1);
    await userClient.quit();
  });

  it('closes the client it created', async () => {
    const store = new RedisStore({ namespace: 'own', codec: codecFor(), url: server.url, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    await store.connect();
    expect(store.client.status).toBe('ready');
    await store.close();
    expect(store.client.status).toBe('end');
  });

  it('starts degraded when Redis is unreachable: connect() resolves, calls fail fast, stats/health do not throw', async () => {
    const down = await startRedis();
    const url = down.url;
    await down.stop(); // nothing listens on this port any more
    const warnings: string[] = [];
    const store = makeStore({ url, connectTimeoutMs: 300, logger: { log: () => undefined, warn: (m) => warnings.push(m) } });

    await store.connect();
    expect(store.status).toBe('degraded');
    expect(warnings.some((line) => /not reachable within 300 ms/.test(line))).toBe(true);

    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.get(`k${i}`)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    await expect(store.get('after')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(store.breakerCounters().state).toBe('open');
    await expect(store.stats()).resolves.toMatchObject({ redis: { status: 'degraded' } });
    await expect(store.health()).resolves.toMatchObject({ connected: false, status: 'degraded' });
  });

  it('survives kill -9 mid-run: every call settles, the breaker opens, and it reconnects by itself', async () => {
    const victim = await startRedis();
    const store = makeStore({ url: victim.url, breaker: { baseCooldownMs: 200, maxCooldownMs: 400 } });
    await store.connect();
    await store.set('before', ...entryFor('x', 60_000));

    await victim.kill9();
    // One call after another, as a request loop would make them: each settles (rejects) promptly.
    const outcomes: Array<'resolved' | 'rejected'> = [];
    for (let i = 0; i < 50; i++) {
      const call = i % 2 ? store.get(`k${i}`) : store.set(`k${i}`, ...entryFor('v', 1000));
      outcomes.push(await call.then(() => 'resolved' as const, () => 'rejected' as const));
    }
    expect(outcomes).toEqual(Array(50).fill('rejected'));
    const counters = store.breakerCounters();
    expect(counters.opened).toBe(1);
    expect(counters.errors).toBe(3); // the rest never reached the dead connection
    expect(counters.shortCircuited).toBe(47);
    expect(store.status).toBe('degraded');

    await victim.restart();
    // Nobody reconnects it by hand: the retry strategy and the breaker's probe bring it back.
    expect(await waitUntil(async () => (await store.health()).connected, { attempts: 100, intervalMs: 50 })).toBe(true);
    expect(store.status).toBe('connected');
    await store.set('after', ...entryFor('y', 60_000));
    expect((await store.get('after'))?.entry.value).toBe('y');
  });

  it('bounds every call by the command timeout when Redis hangs (SIGSTOP), then fails fast', async () => {
    const hung = await startRedis();
    const store = makeStore({ url: hung.url, breaker: { baseCooldownMs: 200, maxCooldownMs: 400 } });
    await store.connect();
    hung.pause();
    try {
      const outcomes: unknown[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await store.get(`k${i}`).catch((error: Error) => error.name));
      expect(outcomes.slice(0, 3)).toEqual(Array(3).fill('CommandTimeoutError'));
      expect(outcomes.slice(3)).toEqual(Array(17).fill('CircuitOpenError'));
      expect(store.breakerCounters()).toMatchObject({ timeouts: 3, shortCircuited: 17, state: 'open' });
    } finally {
      hung.resume();
    }
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    expect(store.breakerCounters().state).toBe('closed');
  });

  it('reads its entries back after a Redis restart with appendonly on', async () => {
    const durable = await startRedis({ appendOnly: true });
    const store = makeStore({ url: durable.url });
    await store.connect();
    const value = randomBytes(2048).toString('base64');
    await store.set('persisted', ...entryFor(value, 60_000));

    await durable.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    expect((await store.get('persisted'))?.entry.value).toBe(value);
    expect(await store.ttl('persisted')).toBeGreaterThan(50_000);
  });

  it('never issues KEYS, FLUSHDB or FLUSHALL: the whole scenario above used SCAN and UNLINK', async () => {
    const commandStats = await server.info('commandstats');
    expect(commandStats.cmdstat_scan).toBeDefined();
    expect(commandStats.cmdstat_unlink).toBeDefined();
    expect(commandStats.cmdstat_keys).toBeUndefined();
    expect(commandStats.cmdstat_flushdb).toBeUndefined();
    expect(commandStats.cmdstat_flushall).toBeUndefined();
  });
});

describe('RedisStore on a Redis Cluster (3 masters)', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let store: RedisStore;

  beforeAll(async () => {
    cluster = await startCluster(3);
    store = new RedisStore({
      namespace: 'ai_cache',
      codec: codecFor(),
      cluster: { nodes: [`127.0.0.1:${cluster.nodes[0].port}`, cluster.seeds[1]] },
      connectTimeoutMs: 5000,
      commandTimeoutMs: 500,
    });
    await store.connect();
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('reads and writes keys spread over every master, and scan-deletes on all of them', async () => {
    expect(store.status).toBe('connected');
    const keys = Array.from({ length: 300 }, (_, i) => `summarize:${i}`);
    await Promise.all(keys.map((key) => store.set(key, ...entryFor(key, 60_000))));
    await store.set('qa:1', ...entryFor('qa', 60_000));

    const perNode = await Promise.all(cluster.nodes.map(async (node) => Number((await node.cli('DBSIZE')).trim())));
    expect(perNode.every((count) => count > 0)).toBe(true); // the keys really are spread
    expect((await store.get('summarize:7'))?.entry.value).toBe('summarize:7');
    expect((await store.stats()).redis.keys).toBe(301);

    expect(await store.deleteMatching('summarize:*')).toBe(300);
    expect(await store.exists('qa:1')).toBe(true);
    expect(await store.clear()).toBe(1);
    const commandStats = await Promise.all(cluster.nodes.map((node) => node.info('commandstats')));
    expect(commandStats.every((stats) => stats.cmdstat_keys === undefined)).toBe(true);
  });

  it('uses a user-given Cluster client and leaves it open', async () => {
    const userCluster = new Cluster(cluster.seeds);
    const byo = new RedisStore({ namespace: 'byo', codec: codecFor(), client: userCluster, connectTimeoutMs: 5000, commandTimeoutMs: 500 });
    await byo.connect();
    await byo.set('x', ...entryFor('1', 10_000));
    expect(await byo.deleteMatching('*')).toBe(1);
    await byo.close();
    expect(userCluster.status).toBe('ready');
    await userCluster.quit();
  });
});
