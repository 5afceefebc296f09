import { Redis } from 'ioredis';
import { waitUntil, scanAllKeys } from '../../../../test/support/redis-harness';
import { codecFor, entryFor } from '../../../../test/support/store-fixtures';
import { RedisStore } from './redis.store';

import { COMMAND_TIMEOUT_MS, expectScanAndUnlinkOnly, useRedisStores } from './redis.store.spec-support';

describe('RedisStore data commands (real redis-server)', () => {
  const t = useRedisStores();
  const { makeStore } = t;

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
      const raw = (await t.inspector.getBuffer('ai_cache:user:1'))!;
      expect(raw.subarray(0, 6)).toEqual(Buffer.from([0xa1, 0x41, 0x49, 0x43, 0x02, 0x01]));
      expect(raw.length).toBeLessThan(entry.size / 4);
      expect(await t.inspector.exists('user:1')).toBe(0);
    });

    it('reads with one GETRANGE capped at the largest entry it could have written, never the whole of a longer value', async () => {
      const small = makeStore({ codec: codecFor({ maxEntryBytes: 1024 }) });
      await small.connect();
      await t.inspector.set('ai_cache:long', Buffer.alloc(5 * 1024 * 1024, 0x61));
      const before = Number((await t.server.info('stats')).total_net_output_bytes);
      expect(await small.get('long')).toBeUndefined();
      const sent = Number((await t.server.info('stats')).total_net_output_bytes) - before;
      expect(sent).toBeLessThan(64 * 1024); // not the 5 MB
      expect(await t.inspector.exists('ai_cache:long')).toBe(0);
    });

    it('sets the TTL in Redis (PX) and reports what is left', async () => {
      await store.set('short', ...entryFor('x', 30_000));
      const pttl = await t.inspector.pttl('ai_cache:short');
      expect(pttl).toBeGreaterThan(25_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
      const ttl = await store.ttl('short');
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(await store.ttl('missing')).toBeUndefined();
    });

    it('rounds a fractional TTL up and treats a non-positive TTL as already expired', async () => {
      await store.set('fraction', ...entryFor('x', 1500.2));
      expect(await t.inspector.pttl('ai_cache:fraction')).toBeGreaterThan(1400);
      await store.set('fraction', ...entryFor('y', 0));
      expect(await t.inspector.exists('ai_cache:fraction')).toBe(0);
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
      await t.inspector.hset('ai_cache:foreign', 'field', 'value');
      expect(await store.get('foreign')).toBeUndefined();
      expect(await t.inspector.exists('ai_cache:foreign')).toBe(0);
      await t.inspector.rpush('ai_cache:foreign2', 'x');
      expect(await store.get('foreign2')).toBeUndefined();
      expect(store.breakerCounters().state).toBe('closed');
    });

    it('get, exists and ttl agree on foreign values: a hash, a plain string, a value without expiry', async () => {
      let corrupted = 0;
      const observed = makeStore({ observer: { corruptedEntry: () => corrupted++ } });
      await observed.connect();
      await t.inspector.hset('ai_cache:hash', 'field', 'value');
      expect(await observed.exists('hash')).toBe(false);
      expect(await observed.ttl('hash')).toBeUndefined();
      await t.inspector.set('ai_cache:text', 'someone else wrote this');
      expect(await observed.exists('text')).toBe(false);
      expect(await observed.ttl('text')).toBeUndefined();
      expect(await observed.get('text')).toBeUndefined();
      expect(corrupted).toBe(1);
      // Our envelope written without expiry by someone: it is ours, with no end.
      const [entry, json] = entryFor('forever', 60_000);
      const forever = { ...entry, expiresAt: Number.POSITIVE_INFINITY, staleUntil: Number.POSITIVE_INFINITY };
      await observed.set('forever', forever, json);
      expect(await t.inspector.pttl('ai_cache:forever')).toBe(-1);
      expect(await observed.exists('forever')).toBe(true);
      expect(await observed.ttl('forever')).toBe(Number.POSITIVE_INFINITY);
    });

    it('deleteMatching removes exactly the keys the glob selects, across many SCAN pages', async () => {
      const pipeline = t.inspector.pipeline();
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
      expect(await t.inspector.dbsize()).toBe(32);
      expect(await t.inspector.exists('ai_cache:summarize_v2:0', 'ai_cache:qa:1', 'other:summarize:1')).toBe(3);
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
      await t.inspector.set('ai_cachex:not-ours', '1');
      await t.inspector.set('unrelated', '1');
      expect(await store.clear()).toBe(2);
      expect(await scanAllKeys(t.inspector)).toEqual(['ai_cachex:not-ours', 'unrelated']);
    });

    it('stats(): status, the namespace key count (SCAN, cached a few seconds) and used memory', async () => {
      const cachedStore = makeStore({ keyCountCacheMs: 60_000 });
      const uncachedStore = makeStore({ keyCountCacheMs: 0 });
      await Promise.all([cachedStore.connect(), uncachedStore.connect()]);
      await Promise.all(['1', '2', '3'].map((key) => store.set(key, ...entryFor('x', 60_000))));
      await t.inspector.set('elsewhere:1', 'x');

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

  it('never issues KEYS, FLUSHDB or FLUSHALL: the data commands above used SCAN and UNLINK', async () => {
    await expectScanAndUnlinkOnly(t.server);
  });
});
