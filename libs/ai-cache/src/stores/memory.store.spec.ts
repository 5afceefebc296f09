import type { MemoryStore } from './memory.store';
import { ofSize, useMemoryStores } from './memory.store.spec-support';

describe('MemoryStore', () => {
  const t = useMemoryStores();
  const { createStore, put, text } = t;

  describe('reads and writes', () => {
    it('returns the bytes with the tier that answered, and undefined on a miss', async () => {
      const store = createStore();
      await store.set('user:1', ...put('hello', 1_000));

      const entry = await store.get('user:1');

      expect(entry?.entry.value).toBe('hello');
      expect(entry?.tier).toBe('memory');
      expect(await store.get('user:2')).toBeUndefined();
    });

    it('reports the tier and driver it was built for', async () => {
      const store = createStore({ tier: 'redis', driver: 'redis' });
      await store.set('k', ...put('v', 1_000));

      expect(store.driver).toBe('redis');
      expect((await store.get('k'))?.tier).toBe('redis');
    });

    it('overwrites a key without reporting an eviction', async () => {
      const store = createStore();
      await store.set('k', ...put('one', 1_000));
      await store.set('k', ...put('two', 1_000));

      expect(await text(store, 'k')).toBe('two');
      expect(t.evictions).toEqual([]);
    });

    it('answers exists() and delete() for live keys only', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      expect(await store.exists('k')).toBe(true);
      expect(await store.delete('k')).toBe(true);
      expect(await store.exists('k')).toBe(false);
      expect(await store.delete('k')).toBe(false);
      expect(t.evictions).toEqual([]);
    });

    it('treats a TTL of 0, a negative TTL or NaN as already expired and removes the previous value', async () => {
      const store = createStore();
      for (const ttl of [0, -5, Number.NaN]) {
        await store.set('k', ...put('old', 1_000));
        await store.set('k', ...put('new', ttl));
        expect(await store.get('k')).toBeUndefined();
      }
    });

    it('keeps an entry stored with an infinite TTL until it is evicted', async () => {
      const store = createStore();
      await store.set('k', ...put('v', Number.POSITIVE_INFINITY));
      t.clock += 1e12;

      expect(await text(store, 'k')).toBe('v');
      expect(await store.ttl('k')).toBe(Number.POSITIVE_INFINITY);
    });
  });

  describe('copies and entries', () => {
    it('answers synchronously with the one held entry on every get(), never the caller\'s object', async () => {
      const store = createStore();
      const value = { summary: 'abc', points: ['a', { b: 1 }] };
      await store.set('k', ...put(value, 1_000));

      const first = store.get('k');
      const second = store.get('k');

      expect(first).not.toBeInstanceOf(Promise);
      // Read-only by contract: no copy per hit (the service copies before exposing it).
      expect(second).toBe(first);
      expect(first!.entry.value).toEqual(value);
      expect(first!.entry.value).not.toBe(value);
    });

    it('is not changed by mutating the value given to set()', async () => {
      const store = createStore();
      const value = { nested: { n: 1 }, list: [1, 2] };
      await store.set('k', ...put(value, 1_000));

      value.nested.n = 2;
      value.list.push(3);

      expect(text(store, 'k')).toEqual({ nested: { n: 1 }, list: [1, 2] });
    });

    it('keeps what a JSON round trip of the value gives: Dates as strings, undefined members dropped, -0 as 0', async () => {
      const store = createStore();
      const value = { at: new Date(0), gone: undefined, zero: -0, list: [undefined, 1] };
      await store.set('k', ...put(value, 1_000));
      await store.set('plain', ...put({ gone: undefined, list: [undefined] }, 1_000));

      expect(text(store, 'k')).toEqual({ at: '1970-01-01T00:00:00.000Z', zero: 0, list: [null, 1] });
      expect(Object.is((text(store, 'k') as { zero: number }).zero, -0)).toBe(false);
      expect(text(store, 'plain')).toStrictEqual({ list: [null] });
    });

    it('hold() keeps the given entry itself, under the same lifetime rules as set()', async () => {
      const store = createStore();
      const [entry] = put({ a: 1 }, 100);
      store.hold('k', entry);
      expect(store.get('k')?.entry).toBe(entry);
      t.clock += 101;
      expect(store.get('k')).toBeUndefined();
      store.hold('gone', put('v', 0)[0]);
      expect(await store.exists('gone')).toBe(false);
    });

    it('reports the entry\'s own compressed flag: memory says how the authoritative tier stores it', async () => {
      const store = createStore();
      store.hold('k', { ...put('v', 1_000)[0], compressed: true });
      expect(store.get('k')?.entry.compressed).toBe(true);
    });

    it('serves an entry past expiresAt until staleUntil (the stale window is the service\'s to judge)', async () => {
      const store = createStore();
      const [entry, json] = put('v', 100);
      await store.set('k', { ...entry, staleUntil: entry.expiresAt + 1_000 }, json);
      t.clock += 500;
      expect(text(store, 'k')).toBe('v');
      expect(await store.ttl('k')).toBe(0);
      t.clock += 601;
      expect(store.get('k')).toBeUndefined();
    });
  });

  describe('bounds of an L1 tier', () => {
    it('does not keep an entry larger than maxEntryBytes, and removes the value it replaces', async () => {
      const store = createStore({ maxEntryBytes: 50 });
      await store.set('k', ...put(ofSize(50), 1_000));
      expect(text(store, 'k')).toBe(ofSize(50));
      await store.set('k', ...put(ofSize(51), 1_000));
      expect(store.get('k')).toBeUndefined();
      expect(t.evictions).toEqual([]);
    });

    it('serves a copy for at most maxAgeMs, however long the entry itself lives', async () => {
      const store = createStore({ maxAgeMs: 1_000 });
      await store.set('k', ...put('v', 60_000));
      t.clock += 999;
      expect(text(store, 'k')).toBe('v');
      t.clock += 2;
      expect(store.get('k')).toBeUndefined();
      expect(t.evictions).toEqual([['k', 'expired']]);
    });

    it('refuses a non-positive maxAgeMs or maxEntryBytes', () => {
      expect(() => createStore({ maxAgeMs: 0 })).toThrow(/maxAgeMs/);
      expect(() => createStore({ maxEntryBytes: 0 })).toThrow(/maxEntryBytes/);
    });
  });

  describe('LRU order', () => {
    it.each<[string, (store: MemoryStore) => Promise<unknown>, { a: boolean; b: boolean }, string]>([
      ['evicts the least recently used entry first', async () => undefined, { a: false, b: true }, 'a'],
      ['protects an entry that was read from eviction', async (store) => store.get('a'), { a: true, b: false }, 'b'],
      ['does not refresh recency on exists() or ttl()', async (store) => [await store.exists('a'), await store.ttl('a')], { a: false, b: true }, 'a'],
    ])('%s', async (_title, touchA, survivors, evicted) => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await touchA(store);
      await store.set('c', ...put('3', 1_000));

      expect({ a: await store.exists('a'), b: await store.exists('b') }).toEqual(survivors);
      expect(t.evictions).toEqual([[evicted, 'lru']]);
    });

    it('lists live keys, most recently used first', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.set('short', ...put('3', 10));
      await store.get('a');
      t.clock += 11;

      expect([...store.keys()]).toEqual(['a', 'b']);
    });
  });

});
