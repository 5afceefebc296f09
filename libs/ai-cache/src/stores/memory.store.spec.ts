import type { CacheEntry } from '../interfaces/cache-entry.interface';
import { MemoryStore, type MemoryEvictionReason, type MemoryStoreOptions } from './memory.store';

/** A string value of `length` UTF-8 bytes (its entry's size, see `put`). */
const ofSize = (length: number): string => 'a'.repeat(length);

describe('MemoryStore', () => {
  let clock: number;
  let evictions: Array<[string, MemoryEvictionReason]>;
  const stores: MemoryStore[] = [];

  /** A store on the test clock, without the sweep timer unless the test asks for one. */
  function createStore(options: Partial<MemoryStoreOptions> = {}): MemoryStore {
    const store = new MemoryStore({
      maxEntries: 10,
      now: () => clock,
      purgeIntervalMs: 0,
      onEvict: (key, reason) => evictions.push([key, reason]),
      ...options,
    });
    stores.push(store);
    return store;
  }

  /**
   * `set()`'s arguments for an entry of `value` that lives `ttlMs` from now on the test clock: the
   * entry (its size the value's UTF-8 length unless given, so byte bounds are easy to reason about)
   * and its envelope JSON.
   */
  const put = (value: unknown, ttlMs: number, size?: number): [CacheEntry, string] => {
    const json = JSON.stringify({ t: 1, v: value });
    const until = clock + ttlMs;
    const bytes = size ?? Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
    return [{ value, cachedAt: 1, expiresAt: until, staleUntil: until, compressed: false, size: bytes }, json];
  };

  const text = (store: MemoryStore, key: string): unknown => store.get(key)?.entry.value;

  beforeEach(() => {
    clock = 5_000;
    evictions = [];
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

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
      expect(evictions).toEqual([]);
    });

    it('answers exists() and delete() for live keys only', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      expect(await store.exists('k')).toBe(true);
      expect(await store.delete('k')).toBe(true);
      expect(await store.exists('k')).toBe(false);
      expect(await store.delete('k')).toBe(false);
      expect(evictions).toEqual([]);
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
      clock += 1e12;

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
      clock += 101;
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
      clock += 500;
      expect(text(store, 'k')).toBe('v');
      expect(await store.ttl('k')).toBe(0);
      clock += 601;
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
      expect(evictions).toEqual([]);
    });

    it('serves a copy for at most maxAgeMs, however long the entry itself lives', async () => {
      const store = createStore({ maxAgeMs: 1_000 });
      await store.set('k', ...put('v', 60_000));
      clock += 999;
      expect(text(store, 'k')).toBe('v');
      clock += 2;
      expect(store.get('k')).toBeUndefined();
      expect(evictions).toEqual([['k', 'expired']]);
    });

    it('refuses a non-positive maxAgeMs or maxEntryBytes', () => {
      expect(() => createStore({ maxAgeMs: 0 })).toThrow(/maxAgeMs/);
      expect(() => createStore({ maxEntryBytes: 0 })).toThrow(/maxEntryBytes/);
    });
  });

  describe('LRU order', () => {
    it('evicts the least recently used entry first', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.set('c', ...put('3', 1_000));

      expect(await store.exists('a')).toBe(false);
      expect(await store.exists('b')).toBe(true);
      expect(evictions).toEqual([['a', 'lru']]);
    });

    it('protects an entry that was read from eviction', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.get('a');
      await store.set('c', ...put('3', 1_000));

      expect(await store.exists('a')).toBe(true);
      expect(await store.exists('b')).toBe(false);
      expect(evictions).toEqual([['b', 'lru']]);
    });

    it('does not refresh recency on exists() or ttl()', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.exists('a');
      await store.ttl('a');
      await store.set('c', ...put('3', 1_000));

      expect(evictions).toEqual([['a', 'lru']]);
    });

    it('lists live keys, most recently used first', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.set('short', ...put('3', 10));
      await store.get('a');
      clock += 11;

      expect([...store.keys()]).toEqual(['a', 'b']);
    });
  });

  describe('TTL', () => {
    it('answers until the TTL has passed and never after', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      clock += 999;
      expect(await text(store, 'k')).toBe('v');
      clock += 2;
      expect(await store.get('k')).toBeUndefined();
      expect(evictions).toEqual([['k', 'expired']]);
    });

    it('expires entries written when the injected clock reads 0', async () => {
      clock = 0;
      const store = createStore();
      await store.set('k', ...put('v', 100));
      clock += 101;

      expect(await store.get('k')).toBeUndefined();
    });

    it('does not extend the TTL on read', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));
      clock += 600;
      await store.get('k');
      clock += 600;

      expect(await store.get('k')).toBeUndefined();
    });

    it('reports the milliseconds left, decreasing with the clock', async () => {
      const store = createStore();
      await store.set('k', ...put('v', 1_000));

      expect(await store.ttl('k')).toBe(1_000);
      clock += 400;
      expect(await store.ttl('k')).toBe(600);
      clock += 599.5;
      expect(await store.ttl('k')).toBe(1);
      clock += 1;
      expect(await store.ttl('k')).toBeUndefined();
      expect(await store.ttl('missing')).toBeUndefined();
    });

    it('drops an expired entry when exists(), ttl() or delete() touches it', async () => {
      const store = createStore();
      for (const key of ['e', 't', 'd']) await store.set(key, ...put('v', 100));
      clock += 101;

      expect(await store.exists('e')).toBe(false);
      expect(await store.ttl('t')).toBeUndefined();
      expect(await store.delete('d')).toBe(false);
      expect(evictions).toEqual([
        ['e', 'expired'],
        ['t', 'expired'],
        ['d', 'expired'],
      ]);
    });

    it('reports an expired entry pushed out by a new one as expired, not lru', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('old', ...put('1', 100));
      await store.set('live', ...put('2', 10_000));
      clock += 101;
      await store.set('new', ...put('3', 10_000));

      expect(evictions).toEqual([['old', 'expired']]);
    });
  });

  describe('expired entries nobody touches', () => {
    it('are removed by purgeExpired()', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 100));
      await store.set('b', ...put('2', 100));
      await store.set('c', ...put('3', 10_000));
      clock += 101;

      expect(store.purgeExpired()).toBe(2);
      expect(evictions.sort()).toEqual([
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
      clock += 101;

      jest.advanceTimersByTime(999);
      expect(evictions).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(evictions).toEqual([['a', 'expired']]);
      expect([...store.keys()]).toEqual(['b']);
    });

    it('are not counted by stats()', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 100));
      await store.set('b', ...put('2', 10_000));
      clock += 101;

      const stats = await store.stats();

      expect(stats.memory.entries).toBe(1);
      expect(stats.memory.bytes).toBe(2);
    });
  });

  describe('byte bound', () => {
    it('counts the UTF-8 key length plus the value length', async () => {
      const store = createStore();
      await store.set('é', ...put(ofSize(10), 1_000));
      await store.set('ab', ...put(ofSize(5), 1_000));

      expect((await store.stats()).memory.bytes).toBe(2 + 10 + 2 + 5);
    });

    it('evicts the least recently used entries until the new one fits', async () => {
      const store = createStore({ maxBytes: 100 });
      await store.set('k1', ...put(ofSize(38), 1_000));
      await store.set('k2', ...put(ofSize(38), 1_000));
      await store.get('k1');
      await store.set('k3', ...put(ofSize(38), 1_000));

      expect(evictions).toEqual([['k2', 'bytes']]);
      expect((await store.stats()).memory.bytes).toBe(80);
    });

    it('evicts as many entries as one large write needs', async () => {
      const store = createStore({ maxBytes: 100 });
      for (const key of ['k1', 'k2', 'k3']) await store.set(key, ...put(ofSize(20), 1_000));
      await store.set('k4', ...put(ofSize(78), 1_000));

      expect(evictions).toEqual([
        ['k1', 'bytes'],
        ['k2', 'bytes'],
        ['k3', 'bytes'],
      ]);
      expect(await store.exists('k4')).toBe(true);
    });

    it('reports a count eviction as lru and the ones after it as bytes', async () => {
      const store = createStore({ maxEntries: 2, maxBytes: 100 });
      await store.set('k1', ...put(ofSize(18), 1_000));
      await store.set('k2', ...put(ofSize(58), 1_000));
      await store.set('k3', ...put(ofSize(58), 1_000));

      expect(evictions).toEqual([
        ['k1', 'lru'],
        ['k2', 'bytes'],
      ]);
    });

    it('does not store an entry larger than maxBytes alone, and keeps the others', async () => {
      const store = createStore({ maxBytes: 50 });
      await store.set('small', ...put(ofSize(10), 1_000));

      await expect(store.set('big', ...put(ofSize(60), 1_000))).resolves.toBeUndefined();

      expect(await store.get('big')).toBeUndefined();
      expect(await store.exists('small')).toBe(true);
      expect(evictions).toEqual([]);
    });

    it('removes the previous value when an oversize write replaces it', async () => {
      const store = createStore({ maxBytes: 50 });
      await store.set('k', ...put(ofSize(10), 1_000));
      await store.set('k', ...put(ofSize(60), 1_000));

      expect(await store.get('k')).toBeUndefined();
    });
  });

  describe('deleteMatching', () => {
    const keys = ['summarize:1', 'summarize:2', 'summarize_v2:1', 'qa:1', 'qa:10', 'bat', 'cat', 'hat', 'a*b', 'axb', 'a?b'];

    async function seeded(): Promise<MemoryStore> {
      const store = createStore({ maxEntries: 100 });
      for (const key of keys) await store.set(key, ...put('v', 1_000));
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
      const store = createStore();
      await store.set('café', ...put('v', 1_000));

      expect(await store.deleteMatching('caf?')).toBe(0);
      expect(await store.deleteMatching('caf??')).toBe(1);
    });

    it('does not count expired entries', async () => {
      const store = createStore();
      await store.set('qa:1', ...put('v', 100));
      await store.set('qa:2', ...put('v', 10_000));
      clock += 101;

      expect(await store.deleteMatching('qa:*')).toBe(1);
    });
  });

  describe('deleteMany and clear', () => {
    it('deleteMany counts the live entries it removed', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 100));
      await store.set('c', ...put('3', 1_000));
      clock += 101;

      expect(store.deleteMany(['a', 'b', 'missing'])).toBe(1);
      expect([...store.keys()]).toEqual(['c']);
    });

    it('clear removes everything and returns how many live entries there were', async () => {
      const store = createStore();
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));
      await store.set('c', ...put('3', 1_000));
      await store.set('gone', ...put('4', 100));
      clock += 101;

      expect(await store.clear()).toBe(3);
      expect((await store.stats()).memory).toEqual({ entries: 0, maxEntries: 10, bytes: 0 });
      expect(await store.clear()).toBe(0);
      expect(evictions).toEqual([['gone', 'expired']]);
    });
  });

  describe('eviction listener', () => {
    it('may call back into the store', async () => {
      const seen: number[] = [];
      const store: MemoryStore = createStore({
        maxEntries: 1,
        onEvict: () => {
          seen.push([...store.keys()].length);
        },
      });
      await store.set('a', ...put('1', 1_000));
      await store.set('b', ...put('2', 1_000));

      expect(seen).toEqual([1]);
      expect(await text(store, 'b')).toBe('2');
    });

    it('never fails the write when it throws, and surfaces the error as a process warning', async () => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const store = createStore({
        maxEntries: 1,
        onEvict: () => {
          throw new Error('listener broke');
        },
      });
      await store.set('a', ...put('1', 1_000));

      await expect(store.set('b', ...put('2', 1_000))).resolves.toBeUndefined();

      expect(await text(store, 'b')).toBe('2');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener broke'), 'AICacheWarning');
    });
  });

  describe('stats, health and lifecycle', () => {
    it('reports the memory tier and a disabled redis', async () => {
      const store = createStore({ maxEntries: 7 });
      await store.set('ab', ...put(ofSize(3), 1_000));

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
      createStore({ purgeIntervalMs: 0 });

      expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps working on the real clock', async () => {
      const store = new MemoryStore({ maxEntries: 10 });
      stores.push(store);
      clock = Date.now(); // put() dates the entry on the test clock: set it to the real one
      await store.set('k', ...put('v', 60_000));

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
