import { MemoryStore } from './memory.store';
import { ofSize, useMemoryStores } from './memory.store.spec-support';

describe('MemoryStore bounds, invalidation and lifecycle', () => {
  const t = useMemoryStores();

  describe('byte bound', () => {
    it('counts the UTF-8 key length plus the value length', async () => {
      const store = t.createStore();
      await store.set('é', ...t.put(ofSize(10), 1_000));
      await store.set('ab', ...t.put(ofSize(5), 1_000));

      expect((await store.stats()).memory.bytes).toBe(2 + 10 + 2 + 5);
    });

    it('evicts the least recently used entries until the new one fits', async () => {
      const store = t.createStore({ maxBytes: 100 });
      await store.set('k1', ...t.put(ofSize(38), 1_000));
      await store.set('k2', ...t.put(ofSize(38), 1_000));
      await store.get('k1');
      await store.set('k3', ...t.put(ofSize(38), 1_000));

      expect(t.evictions).toEqual([['k2', 'bytes']]);
      expect((await store.stats()).memory.bytes).toBe(80);
    });

    it('evicts as many entries as one large write needs', async () => {
      const store = t.createStore({ maxBytes: 100 });
      for (const key of ['k1', 'k2', 'k3']) await store.set(key, ...t.put(ofSize(20), 1_000));
      await store.set('k4', ...t.put(ofSize(78), 1_000));

      expect(t.evictions).toEqual([
        ['k1', 'bytes'],
        ['k2', 'bytes'],
        ['k3', 'bytes'],
      ]);
      expect(await store.exists('k4')).toBe(true);
    });

    it('reports a count eviction as lru and the ones after it as bytes', async () => {
      const store = t.createStore({ maxEntries: 2, maxBytes: 100 });
      await store.set('k1', ...t.put(ofSize(18), 1_000));
      await store.set('k2', ...t.put(ofSize(58), 1_000));
      await store.set('k3', ...t.put(ofSize(58), 1_000));

      expect(t.evictions).toEqual([
        ['k1', 'lru'],
        ['k2', 'bytes'],
      ]);
    });

    it('does not store an entry larger than maxBytes alone, and keeps the others', async () => {
      const store = t.createStore({ maxBytes: 50 });
      await store.set('small', ...t.put(ofSize(10), 1_000));

      await expect(store.set('big', ...t.put(ofSize(60), 1_000))).resolves.toBeUndefined();

      expect(await store.get('big')).toBeUndefined();
      expect(await store.exists('small')).toBe(true);
      expect(t.evictions).toEqual([]);
    });

    it('removes the previous value when an oversize write replaces it', async () => {
      const store = t.createStore({ maxBytes: 50 });
      await store.set('k', ...t.put(ofSize(10), 1_000));
      await store.set('k', ...t.put(ofSize(60), 1_000));

      expect(await store.get('k')).toBeUndefined();
    });
  });

  describe('deleteMatching', () => {
    const keys = ['summarize:1', 'summarize:2', 'summarize_v2:1', 'qa:1', 'qa:10', 'bat', 'cat', 'hat', 'a*b', 'axb', 'a?b'];

    async function seeded(): Promise<MemoryStore> {
      const store = t.createStore({ maxEntries: 100 });
      for (const key of keys) await store.set(key, ...t.put('v', 1_000));
      return store;
    }

    it.each([
      ['summarize:*', ['summarize:1', 'summarize:2']],
      ['qa:?', ['qa:1']],
      ['[bc]at', ['bat', 'cat']],
      ['a\\*b', ['a*b']],
      ['a\\?b', ['a?b']],
      ['*', keys],
      ['nothing*', []],
    ])('%s removes exactly its matches', async (pattern, removed) => {
      const store = await seeded();

      expect(await store.deleteMatching(pattern)).toBe(removed.length);

      expect([...store.keys()].sort()).toEqual(keys.filter((key) => !removed.includes(key)).sort());
    });

    it('matches non-ASCII keys byte by byte, as Redis SCAN MATCH does', async () => {
      const store = t.createStore();
      await store.set('café', ...t.put('v', 1_000));

      expect(await store.deleteMatching('caf?')).toBe(0);
      expect(await store.deleteMatching('caf??')).toBe(1);
    });

    it('does not count expired entries', async () => {
      const store = t.createStore();
      await store.set('qa:1', ...t.put('v', 100));
      await store.set('qa:2', ...t.put('v', 10_000));
      t.clock += 101;

      expect(await store.deleteMatching('qa:*')).toBe(1);
    });
  });

  describe('deleteMany and clear', () => {
    it('deleteMany counts the live entries it removed', async () => {
      const store = t.createStore();
      await store.set('a', ...t.put('1', 1_000));
      await store.set('b', ...t.put('2', 100));
      await store.set('c', ...t.put('3', 1_000));
      t.clock += 101;

      expect(store.deleteMany(['a', 'b', 'missing'])).toBe(1);
      expect([...store.keys()]).toEqual(['c']);
    });

    it('clear removes everything and returns how many live entries there were', async () => {
      const store = t.createStore();
      await store.set('a', ...t.put('1', 1_000));
      await store.set('b', ...t.put('2', 1_000));
      await store.set('c', ...t.put('3', 1_000));
      await store.set('gone', ...t.put('4', 100));
      t.clock += 101;

      expect(await store.clear()).toBe(3);
      expect((await store.stats()).memory).toEqual({ entries: 0, maxEntries: 10, bytes: 0 });
      expect(await store.clear()).toBe(0);
      expect(t.evictions).toEqual([['gone', 'expired']]);
    });
  });

  describe('eviction listener', () => {
    it('may call back into the store', async () => {
      const seen: number[] = [];
      const store: MemoryStore = t.createStore({
        maxEntries: 1,
        onEvict: () => {
          seen.push([...store.keys()].length);
        },
      });
      await store.set('a', ...t.put('1', 1_000));
      await store.set('b', ...t.put('2', 1_000));

      expect(seen).toEqual([1]);
      expect(await t.text(store, 'b')).toBe('2');
    });

    it('never fails the write when it throws, and surfaces the error as a process warning', async () => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const store = t.createStore({
        maxEntries: 1,
        onEvict: () => {
          throw new Error('listener broke');
        },
      });
      await store.set('a', ...t.put('1', 1_000));

      await expect(store.set('b', ...t.put('2', 1_000))).resolves.toBeUndefined();

      expect(await t.text(store, 'b')).toBe('2');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener broke'), 'AICacheWarning');
    });
  });

  describe('stats, health and lifecycle', () => {
    it('reports the memory tier and a disabled redis', async () => {
      const store = t.createStore({ maxEntries: 7 });
      await store.set('ab', ...t.put(ofSize(3), 1_000));

      expect(await store.stats()).toEqual({
        redis: { status: 'disabled' },
        memory: { entries: 1, maxEntries: 7, bytes: 5 },
      });
      expect(await store.health()).toEqual({ connected: false, status: 'disabled' });
    });

    it('leaves no timer behind after close()', async () => {
      jest.useFakeTimers();
      const store = new MemoryStore({ maxEntries: 10 });
      expect(jest.getTimerCount()).toBe(1);

      await store.close();
      await store.close();

      expect(jest.getTimerCount()).toBe(0);
    });

    it('arms no timer when the sweep is turned off', () => {
      jest.useFakeTimers();
      t.createStore({ purgeIntervalMs: 0 });

      expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps working on the real clock', async () => {
      const store = new MemoryStore({ maxEntries: 10 });
      t.track(store);
      t.clock = Date.now(); // t.put() dates the entry on the test clock: set it to the real one
      await store.set('k', ...t.put('v', 60_000));

      const left = await store.ttl('k');

      expect(left).toBeGreaterThan(59_000);
      expect(left).toBeLessThanOrEqual(60_000);
    });

    it.each([
      [{ maxEntries: 0 }, /maxEntries/],
      [{ maxEntries: 1.5 }, /maxEntries/],
      [{ maxEntries: 10, maxBytes: 0 }, /maxBytes/],
      [{ maxEntries: 10, purgeIntervalMs: -1 }, /purgeIntervalMs/],
    ])('rejects %o naming the option', (options, message) => {
      expect(() => new MemoryStore(options)).toThrow(message);
    });
  });
});
