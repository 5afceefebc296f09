import { Redis } from 'ioredis';
import { codecFor, entryFor, tieredStoreFor, type TieredFixtureOptions } from '../../../../test/support/store-fixtures';
import { RedisServer, scanAllKeys, startCluster, startRedis, stopAllRedisServers, waitUntil } from '../../../../test/support/redis-harness';
import { isInvalidationSubscriber, startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy';
import type { StoreLogger } from './circuit-breaker';
import type { TieredStore } from './tiered.store';

/** Connections on the server that subscribed (`sub=1` in CLIENT LIST). */
async function subscriberConnections(client: Redis): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => / sub=[1-9]/.test(line)).length;
}

const valueOf = async (store: TieredStore, key: string) => (await store.get(key))?.entry.value;
const tierOf = async (store: TieredStore, key: string) => (await store.get(key))?.tier;
/** Coherence promises "within 1 s": poll for that long at most. */
const withinOneSecond = (condition: () => Promise<boolean> | boolean) => waitUntil(condition, { attempts: 100, intervalMs: 10 });

describe('TieredStore (L1 memory + L2 real redis-server)', () => {
  let server: RedisServer;
  let inspector: Redis;
  const stores: TieredStore[] = [];
  let namespaceCounter = 0;
  const nextNamespace = () => `tiered_${++namespaceCounter}`;

  const make = (options: Partial<TieredFixtureOptions> & { namespace: string }) => {
    const built = tieredStoreFor({ url: server.url, ...options });
    stores.push(built.store);
    return built;
  };
  const pair = async (namespace = nextNamespace(), options: Partial<TieredFixtureOptions> = {}) => {
    const a = make({ namespace, ...options }).store;
    const b = make({ namespace, ...options }).store;
    await Promise.all([a.connect(), b.connect()]);
    return { a, b, namespace };
  };
  /**
   * Redis reports a change to every other tracking instance on a connection of its own, so that
   * report may reach B after B has read the new value: waiting for it keeps B's fresh copy in L1.
   */
  const heardOf = (store: TieredStore, count: number) => waitUntil(() => (store.diagnostics().coherence?.invalidations ?? 0) >= count);
  /** Reads `key` on `store` until it is answered from L1. */
  const warm = async (store: TieredStore, key: string) => {
    await store.get(key);
    expect(await tierOf(store, key)).toBe('memory');
  };

  beforeAll(async () => {
    server = await startRedis();
    inspector = new Redis(server.port, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    inspector.disconnect();
    await stopAllRedisServers();
  });

  it('writes once to Redis, reads L1 first (synchronously) and Redis for another instance, the same entry', async () => {
    const { a, b, namespace } = await pair();
    const value = { summary: 'short', points: ['a'] };
    await a.set('k', ...entryFor(value, 60_000));
    expect(await heardOf(b, 1)).toBe(true);

    const fromL1 = a.get('k');
    expect(fromL1).not.toBeInstanceOf(Promise); // an L1 hit does no asynchronous work
    expect(fromL1).toMatchObject({ tier: 'memory', entry: { value, compressed: false } });
    expect(await b.get('k')).toMatchObject({ tier: 'redis', entry: { value, compressed: false } });
    expect(await tierOf(b, 'k')).toBe('memory'); // copied into B's L1
    expect(await a.exists('k')).toBe(true);
    expect(await b.get('missing')).toBeUndefined();
    const stored = await inspector.getBuffer(`${namespace}:k`);
    expect(stored?.subarray(0, 5)).toEqual(Buffer.from([0xa1, 0x41, 0x49, 0x43, 0x02]));
  });

  it('reports a compressed entry as compressed from every tier, and stores it as binary', async () => {
    const { a, b, namespace } = await pair();
    const value = { summary: 'é'.repeat(3000), n: Array.from({ length: 200 }, (_, i) => i) };
    await a.set('zipped', ...entryFor(value, 60_000));
    expect(await heardOf(b, 1)).toBe(true);

    expect(await a.get('zipped')).toMatchObject({ tier: 'memory', entry: { value, compressed: true } });
    expect(await b.get('zipped')).toMatchObject({ tier: 'redis', entry: { value, compressed: true } });
    expect(await b.get('zipped')).toMatchObject({ tier: 'memory', entry: { value, compressed: true } });
    const stored = (await inspector.getBuffer(`${namespace}:zipped`))!;
    expect(stored[5]).toBe(1); // deflate
    expect(stored.length).toBeLessThan(JSON.stringify(value).length / 4);
  });

  it('sets PX from the entry\'s lifetime and reports what is left of its TTL, from Redis', async () => {
    const { a, namespace } = await pair();
    await a.set('ttl', ...entryFor('x', 45_000));
    const pttl = await inspector.pttl(`${namespace}:ttl`);
    expect(pttl).toBeGreaterThan(44_000);
    expect(pttl).toBeLessThanOrEqual(45_000);
    expect(await a.ttl('ttl')).toBeGreaterThan(44_000);
    // A stale window lengthens Redis's lifetime, not the TTL reported.
    await a.set('swr', ...entryFor('x', 10_000, { staleMs: 30_000 }));
    expect(await inspector.pttl(`${namespace}:swr`)).toBeGreaterThan(39_000);
    const ttl = (await a.ttl('swr'))!;
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('never serves an L1 copy past the entry\'s expiry, nor past memoryCacheMaxAge', async () => {
    const { a, b } = await pair(nextNamespace(), { maxAgeMs: 300 });
    await a.set('short', ...entryFor('x', 200));
    await a.set('long', ...entryFor('y', 60_000));
    await warm(b, 'long');
    await new Promise((resolve) => setTimeout(resolve, 210));
    expect(await a.get('short')).toBeUndefined();
    expect(await b.get('short')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 150));
    // B's copy of 'long' is older than the max age: it asks Redis again.
    expect(await tierOf(b, 'long')).toBe('redis');
  });

  describe('coherence: any change to our keys in Redis stops every L1 serving them within 1 s', () => {
    it('an overwrite, delete, deleteMatching and clear on another instance', async () => {
      const { a, b } = await pair();
      await a.set('k', ...entryFor('v1', 60_000));
      await heardOf(b, 1);
      await warm(b, 'k');
      await a.set('k', ...entryFor('v2', 60_000));
      expect(await withinOneSecond(async () => (await valueOf(b, 'k')) === 'v2')).toBe(true);

      await heardOf(b, 2);
      await warm(b, 'k');
      await a.delete('k');
      expect(await withinOneSecond(async () => (await b.get('k')) === undefined)).toBe(true);

      await a.set('op:1', ...entryFor('x', 60_000));
      await a.set('other:1', ...entryFor('y', 60_000));
      await heardOf(b, 5);
      await Promise.all([warm(b, 'op:1'), warm(b, 'other:1')]);
      await a.deleteMatching('op:*');
      expect(await withinOneSecond(async () => (await b.get('op:1')) === undefined)).toBe(true);
      expect(await tierOf(b, 'other:1')).toBe('memory');

      await a.clear();
      expect(await withinOneSecond(async () => (await b.stats()).memory.entries === 0)).toBe(true);
    });

    it('a raw client\'s DEL, SET and PEXPIRE, FLUSHALL, and Redis\'s own expiry', async () => {
      const { a, namespace } = await pair(nextNamespace(), { maxAgeMs: 60_000 });
      const seed = async (key: string) => {
        await a.set(key, ...entryFor(key, 60_000));
        expect(await tierOf(a, key)).toBe('memory');
      };
      await seed('deleted');
      await inspector.del(`${namespace}:deleted`);
      expect(await withinOneSecond(async () => (await a.get('deleted')) === undefined)).toBe(true);

      await seed('overwritten');
      await inspector.set(`${namespace}:overwritten`, 'someone else');
      expect(await withinOneSecond(async () => (await a.get('overwritten')) === undefined)).toBe(true);

      await seed('expired');
      await inspector.pexpire(`${namespace}:expired`, 50);
      expect(await withinOneSecond(async () => (await a.get('expired')) === undefined)).toBe(true);

      await seed('flushed');
      await seed('flushed-too');
      const flushed = await startRedis();
      try {
        // FLUSHALL on this suite's server would break the other tests' namespaces: flush a private one.
        const own = make({ namespace: 'flush', url: flushed.url }).store;
        await own.connect();
        await own.set('k', ...entryFor('v', 60_000));
        expect(await tierOf(own, 'k')).toBe('memory');
        await flushed.cli('FLUSHALL');
        expect(await withinOneSecond(async () => (await own.stats()).memory.entries === 0)).toBe(true);
      } finally {
        await flushed.stop();
      }
      expect(await tierOf(a, 'flushed')).toBe('memory'); // another server's flush is not ours
    });

    it('an eviction under maxmemory', async () => {
      // volatile-ttl evicts the key closest to expiry first: our entry, before fillers that live an hour.
      const small = await startRedis({ extraArgs: ['--maxmemory', '8mb', '--maxmemory-policy', 'volatile-ttl'] });
      try {
        const { store } = make({ namespace: 'evicted', url: small.url });
        await store.connect();
        await store.set('victim', ...entryFor('v', 60_000));
        expect(await tierOf(store, 'victim')).toBe('memory');
        const raw = new Redis(small.port, '127.0.0.1');
        const filler = 'f'.repeat(1024 * 1024);
        for (let i = 0; i < 12 && (await raw.exists('evicted:victim')) === 1; i++) await raw.set(`filler:${i}`, filler, 'EX', 3600).catch(() => undefined);
        expect(await raw.exists('evicted:victim')).toBe(0);
        raw.disconnect();
        expect(await withinOneSecond(async () => (await store.get('victim')) === undefined)).toBe(true);
      } finally {
        await small.stop();
      }
    });

    it('does not copy a read into L1 when the key changed while the read was in flight', async () => {
      const { a, namespace } = await pair();
      const { store: b, redis: redisB } = make({ namespace });
      await b.connect();
      await a.set('k', ...entryFor('old', 60_000));

      // B's read gets its answer from Redis, then is held back (as a busy event loop would) while A
      // overwrites the key and Redis reports it to B.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const read = redisB.get.bind(redisB);
      jest.spyOn(redisB, 'get').mockImplementationOnce(async (key) => {
        const answer = await read(key);
        await held;
        return answer;
      });
      const inFlight = b.get('k');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const before = b.diagnostics().coherence!.invalidations;
      await a.set('k', ...entryFor('new', 60_000));
      expect(await waitUntil(() => b.diagnostics().coherence!.invalidations > before)).toBe(true);
      release();

      expect((await inFlight)?.entry.value).toBe('old'); // it was read before the overwrite…
      expect(await b.get('k')).toMatchObject({ tier: 'redis', entry: { value: 'new' } }); // …but never cached
    });
  });

  describe('a coherence path that breaks without closing (black-holed TCP)', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    });
    afterAll(() => proxy.close());

    it('is detected by ping: health says degraded, L1 copies live at most memoryCacheMaxAge, and it recovers by itself', async () => {
      const namespace = nextNamespace();
      const warnings: string[] = [];
      const logger: StoreLogger = { log: () => undefined, warn: (line) => warnings.push(line) };
      const ping = { pingIntervalMs: 100, pingTimeoutMs: 200 };
      const { store: viaProxy } = make({ namespace, url: `redis://127.0.0.1:${proxy.port}`, maxAgeMs: 1_500, ping, logger });
      const { store: writer } = make({ namespace });
      await Promise.all([viaProxy.connect(), writer.connect()]);
      expect(viaProxy.diagnostics().coherence?.live).toBe(true);
      await writer.set('k', ...entryFor('v1', 60_000));
      await warm(viaProxy, 'k');

      expect(proxy.blackhole(isInvalidationSubscriber)).toBe(1);
      await writer.set('k', ...entryFor('v2', 60_000));
      // Nothing tells the proxied instance about v2; within a ping deadline it knows it cannot know.
      expect(await withinOneSecond(async () => (await viaProxy.health()).status === 'degraded')).toBe(true);
      expect(warnings.some((line) => /did not answer a ping/.test(line))).toBe(true);
      // Its stale copy of v1 lives no longer than memoryCacheMaxAge (1.5 s) after it was filled.
      expect(await waitUntil(async () => (await valueOf(viaProxy, 'k')) === 'v2', { attempts: 40, intervalMs: 50 })).toBe(true);
      // The subscriber reconnected through the proxy (new connections are forwarded): live again.
      expect(await waitUntil(async () => (await viaProxy.health()).status === 'connected', { attempts: 50, intervalMs: 50 })).toBe(true);
      await warm(viaProxy, 'k');
      await writer.set('k', ...entryFor('v3', 60_000));
      expect(await withinOneSecond(async () => (await valueOf(viaProxy, 'k')) === 'v3')).toBe(true);
      expect(viaProxy.diagnostics().coherence?.pingFailures).toBeGreaterThanOrEqual(1);
    });
  });

  it('counts distinct keys: an entry in L1 and in Redis is removed once and counted once', async () => {
    const { a, b, namespace } = await pair();
    for (const key of ['s:1', 's:2', 's:3']) await a.set(key, ...entryFor(key, 60_000));
    await b.set('s:4', ...entryFor('s4', 60_000));
    await a.set('t:1', ...entryFor('t', 60_000));

    expect(await a.deleteMatching('s:*')).toBe(4);
    expect(await a.delete('t:1')).toBe(true);
    expect(await a.delete('t:1')).toBe(false);
    expect(await a.clear()).toBe(0);
    expect((await scanAllKeys(inspector)).filter((key) => key.startsWith(`${namespace}:`))).toEqual([]);
  });

  it('without L1 (memoryCacheSize 0): every hit comes from Redis, and no coherence connection is opened', async () => {
    const before = await subscriberConnections(inspector);
    const { store } = make({ namespace: nextNamespace(), memoryCacheSize: 0 });
    await store.connect();
    await store.set('k', ...entryFor('v', 60_000));
    expect(await tierOf(store, 'k')).toBe('redis');
    expect(await tierOf(store, 'k')).toBe('redis');
    expect((await store.stats()).memory).toEqual({ entries: 0, maxEntries: 0, bytes: 0 });
    expect(await subscriberConnections(inspector)).toBe(before);
    expect(store.diagnostics().coherence).toBeUndefined();
  });

  it('keeps two namespaces on one Redis apart, L1 included, through clear() and deleteMatching("*")', async () => {
    const { store: one } = make({ namespace: 'space_one' });
    const { store: two } = make({ namespace: 'space_two' });
    await Promise.all([one.connect(), two.connect()]);
    for (const store of [one, two]) {
      await store.set('same', ...entryFor('x', 60_000));
      await store.set('other', ...entryFor('y', 60_000));
    }
    expect(await one.clear()).toBe(2);
    expect(await one.deleteMatching('*')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let any (wrong) cross-namespace report arrive
    expect(await tierOf(two, 'same')).toBe('memory');
    expect(await inspector.exists('space_two:same', 'space_two:other')).toBe(2);
    expect(await two.deleteMatching('*')).toBe(2);
  });

  it('treats a huge foreign value under our key as a miss and removes it, without a timeout or an open breaker', async () => {
    const { a, namespace } = await pair(nextNamespace(), { commandTimeoutMs: 1_000 });
    // 300 MB made by the server itself (SETRANGE pads with zeros): no transfer to set it up. Read
    // whole, it would take seconds to arrive and block every command queued behind it.
    await inspector.setrange(`${namespace}:huge`, 300 * 1024 * 1024, 'x');
    expect(await a.get('huge')).toBeUndefined();
    expect(await inspector.exists(`${namespace}:huge`)).toBe(0);
    expect(a.diagnostics().breaker).toMatchObject({ state: 'closed', errors: 0, timeouts: 0 });
    await a.set('fine', ...entryFor('still working', 60_000));
    expect(await valueOf(a, 'fine')).toBe('still working');
  });

  it('treats a deflate bomb planted under our key as a corrupted entry: a miss, removed, counted', async () => {
    let corrupted = 0;
    const namespace = nextNamespace();
    const { store } = make({ namespace, observer: { corruptedEntry: () => corrupted++ } });
    await store.connect();
    const codec = codecFor({ maxEntryBytes: 64 * 1024 * 1024 });
    const [entry, json] = entryFor({ padding: ' '.repeat(40 * 1024 * 1024) }, 60_000);
    const bomb = codec.encode(`${namespace}:bomb`, entry, json).bytes; // ~40 KB that inflates to 40 MB
    expect(bomb.length).toBeLessThan(100 * 1024);
    await inspector.set(`${namespace}:bomb`, bomb, 'PX', 60_000);

    const heapBefore = process.memoryUsage().heapUsed;
    expect(await store.get('bomb')).toBeUndefined();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
    expect(corrupted).toBe(1);
    expect(await inspector.exists(`${namespace}:bomb`)).toBe(0);
    expect((await store.stats()).memory.entries).toBe(0);
  });

  it('reads entries written with another codec after a switch of compressionAlgorithm', async () => {
    const namespace = nextNamespace();
    const value = { summary: 'Caching saves money and time. '.repeat(100) };
    const { store: lz4 } = make({ namespace, codec: { compressionAlgorithm: 'lz4' } });
    const { store: brotli } = make({ namespace, codec: { compressionAlgorithm: 'brotli' } });
    const { store: deflate } = make({ namespace, memoryCacheSize: 0 });
    await Promise.all([lz4.connect(), brotli.connect(), deflate.connect()]);
    await lz4.set('by-lz4', ...entryFor(value, 60_000));
    await brotli.set('by-brotli', ...entryFor(value, 60_000));
    expect((await inspector.getBuffer(`${namespace}:by-lz4`))![5]).toBe(2);
    expect((await inspector.getBuffer(`${namespace}:by-brotli`))![5]).toBe(4);
    for (const key of ['by-lz4', 'by-brotli']) expect(await deflate.get(key)).toMatchObject({ tier: 'redis', entry: { value, compressed: true } });
  });

  it('survives kill -9 of Redis mid-run at 64 concurrent callers: no call throws, memory serves, it recovers by itself', async () => {
    const victim = await startRedis();
    const namespace = nextNamespace();
    const lines: string[] = [];
    const logger: StoreLogger = { log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`) };
    const { store } = make({ namespace, url: victim.url, memoryCacheSize: 2, outageSize: 100, logger });
    await store.connect();
    await store.set('before', ...entryFor('b', 60_000));

    await victim.kill9();
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const key = `during:${i % 10}`;
        const call = [
          () => store.set(key, ...entryFor(`v${i}`, 60_000)),
          () => Promise.resolve(store.get(key)),
          () => store.exists(key),
          () => store.ttl(key),
          () => store.deleteMatching('nothing:*'),
        ][i % 5];
        return call().then(() => 'resolved', (error: Error) => `threw ${error.message}`);
      }),
    );
    expect(outcomes).toEqual(Array(64).fill('resolved'));
    expect(store.degraded).toBe(true);
    expect(await valueOf(store, 'during:0')).toMatch(/^v\d+$/); // an outage write, beyond the 2-entry L1
    expect(await store.health()).toMatchObject({ connected: false, status: 'degraded' });

    await victim.restart();
    const restartedAt = performance.now();
    expect(await waitUntil(async () => (await store.health()).connected && store.diagnostics().coherence?.live === true, { attempts: 100, intervalMs: 20 })).toBe(true);
    expect(performance.now() - restartedAt).toBeLessThan(2_000);
    await store.set('after', ...entryFor('a', 60_000));
    expect(store.degraded).toBe(false);
    const inspectVictim = new Redis(victim.port, '127.0.0.1');
    expect(await inspectVictim.exists(`${namespace}:after`)).toBe(1);
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
    const { store } = make({ namespace: nextNamespace(), url, memoryCacheSize: 0, connectTimeoutMs: 200 });
    await store.connect();
    expect((await store.stats()).redis.status).toBe('degraded');

    await store.set('offline', ...entryFor('o', 60_000));
    expect(await store.get('offline')).toMatchObject({ tier: 'memory', entry: { value: 'o' } });
    expect(await store.exists('offline')).toBe(true);
    expect(await store.ttl('offline')).toBeGreaterThan(50_000);
    expect(await store.deleteMatching('off*')).toBe(1);

    await late.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    await store.set('online', ...entryFor('n', 60_000));
    expect(await tierOf(store, 'online')).toBe('redis');
    await late.stop();
  });

  it('leaves a user-given client open after close(), and closes the subscriber it opened', async () => {
    const userClient = new Redis(server.port, '127.0.0.1');
    const before = await subscriberConnections(inspector);
    const { store } = make({ namespace: nextNamespace(), client: userClient });
    await store.connect();
    await store.set('k', ...entryFor('v', 10_000));
    expect(await subscriberConnections(inspector)).toBe(before + 1);

    await store.close();
    expect(userClient.status).toBe('ready');
    expect(await userClient.ping()).toBe('PONG');
    expect(((await userClient.call('CLIENT', 'TRACKINGINFO')) as unknown[])[1]).toEqual(['off']);
    expect(await waitUntil(async () => (await subscriberConnections(inspector)) === before)).toBe(true);
    await userClient.quit();
  });

  it('never sent KEYS, FLUSHDB, FLUSHALL or PUBLISH to Redis in the whole scenario', async () => {
    const commandStats = (await inspector.info('commandstats')).split('\n');
    expect(commandStats.some((line) => line.startsWith('cmdstat_scan:'))).toBe(true);
    expect(commandStats.some((line) => line.startsWith('cmdstat_getrange:'))).toBe(true);
    expect(commandStats.filter((line) => /^cmdstat_(keys|flushdb|flushall|publish|multi|pttl_):/.test(line))).toEqual([]);
  });
});

describe('TieredStore on a Redis Cluster (3 masters)', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const stores: TieredStore[] = [];
  const make = () => {
    const { store } = tieredStoreFor({ namespace: 'ai_cache', cluster: { nodes: cluster.seeds }, connectTimeoutMs: 5000, commandTimeoutMs: 500 });
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

  it('tracks every master: another instance\'s writes and deletes reach L1 whatever slot the key is in', async () => {
    const [a, b] = [make(), make()];
    await Promise.all([a.connect(), b.connect()]);
    expect(a.diagnostics().coherence?.live).toBe(true);
    const keys = Array.from({ length: 9 }, (_, i) => `spread:${i}`); // within L1's 10 entries
    for (const key of keys) await a.set(key, ...entryFor('v1', 60_000));
    expect(await waitUntil(() => (b.diagnostics().coherence?.invalidations ?? 0) >= keys.length)).toBe(true);
    for (const key of keys) await b.get(key);
    for (const key of keys) expect(await tierOf(b, key)).toBe('memory');

    for (const key of keys) await a.set(key, ...entryFor('v2', 60_000));
    expect(await withinOneSecond(async () => (await Promise.all(keys.map((key) => valueOf(b, key)))).every((value) => value === 'v2'))).toBe(true);
    expect(await a.deleteMatching('spread:*')).toBe(9);
    expect(await withinOneSecond(async () => (await b.stats()).memory.entries === 0)).toBe(true);
  });
});
