import { Redis } from 'ioredis';
import { entryFor, tieredStoreFor } from '../../../../test/support/store-fixtures';
import { startCluster, startRedis, waitUntil } from '../../../../test/support/redis-harness';
import { isInvalidationSubscriber, startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy';
import type { StoreLogger } from './circuit-breaker';
import type { TieredStore } from './tiered.store';
import { expectNoForbiddenCommands, tierOf, useTieredStores, valueOf, withinOneSecond } from './tiered.store.spec-support';

describe('TieredStore coherence and outages (real redis-server)', () => {
  const t = useTieredStores();
  const { make, pair, heardOf, warm, nextNamespace } = t;

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
      await t.inspector.del(`${namespace}:deleted`);
      expect(await withinOneSecond(async () => (await a.get('deleted')) === undefined)).toBe(true);

      await seed('overwritten');
      await t.inspector.set(`${namespace}:overwritten`, 'someone else');
      expect(await withinOneSecond(async () => (await a.get('overwritten')) === undefined)).toBe(true);

      await seed('expired');
      await t.inspector.pexpire(`${namespace}:expired`, 50);
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
      proxy = await startTcpProxy({ host: '127.0.0.1', port: t.server.port });
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

  it('never sent KEYS, FLUSHDB, FLUSHALL or PUBLISH to Redis in the coherence and outage scenarios', async () => {
    await expectNoForbiddenCommands(t.inspector);
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
