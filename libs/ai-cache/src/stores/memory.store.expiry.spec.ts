import { useMemoryStores } from './memory.store.spec-support';

describe('MemoryStore expiry', () => {
  const t = useMemoryStores();
  const { createStore, put } = t;

  describe('TTL', () => {
    it('answers until the TTL has passed and never after', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      t.clock += 999;
      expect(await t.text(store, 'k')).toBe('v');
      t.clock += 2;
      expect(await store.get('k')).toBeUndefined();
      expect(t.evictions).toEqual([['k', 'expired']]);
    });

    it('expires entries written when the injected clock reads 0', async () => {
      t.clock = 0;
      const store = createStore();
      await store.set('k', ...put('v', 100));
      t.clock += 101;

      expect(await store.get('k')).toBeUndefined();
    });

    it('does not extend the TTL on read', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));
      t.clock += 600;
      await store.get('k');
      t.clock += 600;

      expect(await store.get('k')).toBeUndefined();
    });

    it('reports the milliseconds left, decreasing with the clock', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      expect(await store.ttl('k')).toBe(1_000);
      t.clock += 400;
      expect(await store.ttl('k')).toBe(600);
      t.clock += 599.5;
      expect(await store.ttl('k')).toBe(1);
      t.clock += 1;
      expect(await store.ttl('k')).toBeUndefined();
      expect(await store.ttl('missing')).toBeUndefined();
    });

    it('drops an expired entry when exists(), ttl() or delete() touches it', async () => {
      const store = createStore();
      for (const key of ['e', 't', 'd']) await store.set(key, ...put('v', 100));
      t.clock += 101;

      expect(await store.exists('e')).toBe(false);
      expect(await store.ttl('t')).toBeUndefined();
      expect(await store.delete('d')).toBe(false);
      expect(t.evictions).toEqual([
        ['e', 'expired'],
        ['t', 'expired'],
        ['d', 'expired'],
      ]);
    });

    it('reports an expired entry pushed out by a new one as expired, not lru', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('old', ...put('1', 100));
      await store.set('live', ...put('2', 10_000));
      t.clock += 101;
      await store.set('new', ...put('3', 10_000));

      expect(t.evictions).toEqual([['old', 'expired']]);
    });
  });

  describe('expired entries nobody touches', () => {
    it('are removed by purgeExpired()', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 100));
      await store.set('b', ...put('2', 100));
      await store.set('c', ...put('3', 10_000));
      t.clock += 101;

      expect(store.purgeExpired()).toBe(2);
      expect(t.evictions.sort()).toEqual([
        ['a', 'expired'],
        ['b', 'expired'],
      ]);
      expect(store.purgeExpired()).toBe(0);
    });

    it('are swept by the periodic timer', async () => {
      jest.useFakeTimers();
      const store = createStore({ purgeIntervalMs: 1_000 });
      await store.set('a', ...put('1', 100));
      await store.set('b', ...put('2', 5_000));
      t.clock += 101;

      jest.advanceTimersByTime(999);
      expect(t.evictions).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(t.evictions).toEqual([['a', 'expired']]);
      expect([...store.keys()]).toEqual(['b']);
    });

    it('are not counted by stats()', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 100));
      await store.set('b', ...put('2', 10_000));
      t.clock += 101;

      const stats = await store.stats();

      expect(stats.memory.entries).toBe(1);
      expect(stats.memory.bytes).toBe(2);
    });
  });

});
