import { CacheEntryCodec } from '../codec/cache-entry.codec';
import { MemoryStore, type MemoryEvictionReason, type MemoryStoreOptions } from './memory.store';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const ofSize = (length: number): Buffer => Buffer.alloc(length, 0x61);

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

  const text = async (store: MemoryStore, key: string): Promise<string | undefined> =>
    (await store.get(key))?.bytes?.toString('utf8');

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
      await store.set('user:1', bytes('hello'), 1_000);

      const entry = await store.get('user:1');

      expect(entry?.bytes?.toString('utf8')).toBe('hello');
      expect(entry?.tier).toBe('memory');
      expect(await store.get('user:2')).toBeUndefined();
    });

    it('reports the tier and driver it was built for', async () => {
      const store = createStore({ tier: 'redis', driver: 'redis' });
      await store.set('k', bytes('v'), 1_000);

      expect(store.driver).toBe('redis');
      expect((await store.get('k'))?.tier).toBe('redis');
    });

    it('overwrites a key without reporting an eviction', async () => {
      const store = createStore();
      await store.set('k', bytes('one'), 1_000);
      await store.set('k', bytes('two'), 1_000);

      expect(await text(store, 'k')).toBe('two');
      expect(evictions).toEqual([]);
    });

    it('answers exists() and delete() for live keys only', async () => {
      const store = createStore();
      await store.set('k', bytes('v'), 1_000);

      expect(await store.exists('k')).toBe(true);
      expect(await store.delete('k')).toBe(true);
      expect(await store.exists('k')).toBe(false);
      expect(await store.delete('k')).toBe(false);
      expect(evictions).toEqual([]);
    });

    it('treats a TTL of 0, a negative TTL or NaN as already expired and removes the previous value', async () => {
      const store = createStore();
      for (const ttl of [0, -5, Number.NaN]) {
        await store.set('k', bytes('old'), 1_000);
        await store.set('k', bytes('new'), ttl);
        expect(await store.get('k')).toBeUndefined();
      }
    });

    it('keeps an entry stored with an infinite TTL until it is evicted', async () => {
      const store = createStore();
      await store.set('k', bytes('v'), Number.POSITIVE_INFINITY);
      clock += 1e12;

      expect(await text(store, 'k')).toBe('v');
      expect(await store.ttl('k')).toBe(Number.POSITIVE_INFINITY);
    });
  });

  describe('copies', () => {
    it('returns the one stored Buffer on every get(), never the Buffer given to set()', async () => {
      const store = createStore();
      const input = bytes('abc');
      await store.set('k', input, 1_000);

      const first = await store.get('k');
      const second = await store.get('k');

      // Read-only by contract: no copy per hit (a 2 KB copy was ~10% of a hit).
      expect(second!.bytes).toBe(first!.bytes);
      expect(first!.bytes).not.toBe(input);
      expect(first!.bytes!.toString()).toBe('abc');
    });

    it('is not changed by mutating the Buffer given to set()', async () => {
      const store = createStore();
      const input = bytes('abc');
      await store.set('k', input, 1_000);

      input.fill(0x7a);

      expect(await text(store, 'k')).toBe('abc');
    });

    it('keeps its copy in its own memory, not in a slice of the shared Buffer pool', async () => {
      const store = createStore();
      await store.set('k', bytes('abc'), 1_000);

      const stored = (await store.get('k'))!.bytes!;

      expect(stored.byteOffset).toBe(0);
      expect(stored.buffer.byteLength).toBe(3);
    });
  });

  describe('decoded entries (with the codec\'s decode, as the library wires it)', () => {
    const codec = new CacheEntryCodec({ compressionThreshold: 100, compressionLevel: 6 });
    const value = { summary: 'x'.repeat(400), points: ['a', 'b'], usage: { total_tokens: 3 } };

    it('keeps the entry decoded: every hit returns the same parsed entry, no bytes', async () => {
      const store = createStore({ decode: (b) => codec.decode(b) });
      const encoded = codec.encode(value, { operation: 'summarize', cachedAt: 1_000 }, { compress: false });
      await store.set('k', encoded.bytes, 1_000);

      const first = await store.get('k');
      const second = await store.get('k');
      expect(first?.bytes).toBeUndefined();
      expect(first?.tier).toBe('memory');
      expect(first?.decoded).toEqual({ value, cachedAt: 1_000, compressed: false, operation: 'summarize' });
      expect(second?.decoded).toBe(first?.decoded);
    });

    it('decodes the plain envelope when given one, and reports a compressed write as not compressed in memory', async () => {
      const store = createStore({ decode: (b) => codec.decode(b) });
      const encoded = codec.encode(value, { operation: 'summarize' });
      expect(encoded.compressed).toBe(true);
      await store.set('k', encoded.bytes, 1_000, encoded.plain);
      await store.set('only-compressed', encoded.bytes, 1_000);

      expect((await store.get('k'))?.decoded).toMatchObject({ value, compressed: false });
      expect((await store.get('only-compressed'))?.decoded).toMatchObject({ value, compressed: false });
    });

    it('counts the encoded bytes against maxBytes and in stats', async () => {
      const encoded = codec.encode(value, {}, { compress: false });
      const size = Buffer.byteLength('k1') + encoded.bytes.length;
      const store = createStore({ decode: (b) => codec.decode(b), maxBytes: size * 2 });
      await store.set('k1', encoded.bytes, 1_000);
      expect((await store.stats()).memory.bytes).toBe(size);

      store.setDecoded('k2', codec.decode(encoded.bytes)!, encoded.bytes.length, 1_000);
      store.setDecoded('k3', codec.decode(encoded.bytes)!, encoded.bytes.length, 1_000);
      expect((await store.stats()).memory).toMatchObject({ entries: 2, bytes: size * 2 });
      expect(await store.exists('k1')).toBe(false);
      expect(evictions).toEqual([['k1', 'bytes']]);
    });

    it('keeps bytes it cannot decode as bytes, for the reader to judge', async () => {
      const store = createStore({ decode: (b) => codec.decode(b) });
      await store.set('foreign', bytes('{"not":"ours"}'), 1_000);

      const entry = await store.get('foreign');
      expect(entry?.decoded).toBeUndefined();
      expect(entry?.bytes?.toString()).toBe('{"not":"ours"}');
    });

    it('setDecoded follows set()\'s TTL rules', async () => {
      const store = createStore({ decode: (b) => codec.decode(b) });
      const decoded = codec.decode(codec.encode(value).bytes)!;
      expect(decoded.compressed).toBe(true);
      store.setDecoded('k', decoded, 10, 100);
      expect((await store.get('k'))?.decoded).toMatchObject({ value, compressed: false });
      expect(decoded.compressed).toBe(true); // the caller's entry is not changed
      clock += 101;
      expect(await store.get('k')).toBeUndefined();
      store.setDecoded('gone', decoded, 10, 0);
      expect(await store.exists('gone')).toBe(false);
    });
  });

  describe('LRU order', () => {
    it('evicts the least recently used entry first', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);
      await store.set('c', bytes('3'), 1_000);

      expect(await store.exists('a')).toBe(false);
      expect(await store.exists('b')).toBe(true);
      expect(evictions).toEqual([['a', 'lru']]);
    });

    it('protects an entry that was read from eviction', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);
      await store.get('a');
      await store.set('c', bytes('3'), 1_000);

      expect(await store.exists('a')).toBe(true);
      expect(await store.exists('b')).toBe(false);
      expect(evictions).toEqual([['b', 'lru']]);
    });

    it('does not refresh recency on exists() or ttl()', async () => {
      const store = createStore({ maxEntries: 2 });
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);
      await store.exists('a');
      await store.ttl('a');
      await store.set('c', bytes('3'), 1_000);

      expect(evictions).toEqual([['a', 'lru']]);
    });

    it('lists live keys, most recently used first', async () => {
      const store = createStore();
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);
      await store.set('short', bytes('3'), 10);
      await store.get('a');
      clock += 11;

      expect([...store.keys()]).toEqual(['a', 'b']);
    });
  });

  describe('TTL', () => {
    it('answers until the TTL has passed and never after', async () => {
      const store = createStore();
      await store.set('k', bytes('v'), 1_000);

      clock += 999;
      expect(await text(store, 'k')).toBe('v');
      clock += 2;
      expect(await store.get('k')).toBeUndefined();
      expect(evictions).toEqual([['k', 'expired']]);
    });

    it('expires entries written when the injected clock reads 0', async () => {
      clock = 0;
      const store = createStore();
      await store.set('k', bytes('v'), 100);
      clock += 101;

      expect(await store.get('k')).toBeUndefined();
    });

    it('does not extend the TTL on read', async () => {
      const store = createStore();
      await store.set('k', bytes('v'), 1_000);
      clock += 600;
      await store.get('k');
      clock += 600;

      expect(await store.get('k')).toBeUndefined();
    });

    it('reports the milliseconds left, decreasing with the clock', async () => {
      const store = createStore();
      await store.set('k', bytes('v'), 1_000);

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
      for (const key of ['e', 't', 'd']) await store.set(key, bytes('v'), 100);
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
      await store.set('old', bytes('1'), 100);
      await store.set('live', bytes('2'), 10_000);
      clock += 101;
      await store.set('new', bytes('3'), 10_000);

      expect(evictions).toEqual([['old', 'expired']]);
    });
  });

  describe('expired entries nobody touches', () => {
    it('are removed by purgeExpired()', async () => {
      const store = createStore();
      await store.set('a', bytes('1'), 100);
      await store.set('b', bytes('2'), 100);
      await store.set('c', bytes('3'), 10_000);
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
      await store.set('a', bytes('1'), 100);
      await store.set('b', bytes('2'), 5_000);
      clock += 101;

      jest.advanceTimersByTime(999);
      expect(evictions).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(evictions).toEqual([['a', 'expired']]);
      expect([...store.keys()]).toEqual(['b']);
    });

    it('are not counted by stats()', async () => {
      const store = createStore();
      await store.set('a', bytes('1'), 100);
      await store.set('b', bytes('2'), 10_000);
      clock += 101;

      const stats = await store.stats();

      expect(stats.memory.entries).toBe(1);
      expect(stats.memory.bytes).toBe(2);
    });
  });

  describe('byte bound', () => {
    it('counts the UTF-8 key length plus the value length', async () => {
      const store = createStore();
      await store.set('é', ofSize(10), 1_000);
      await store.set('ab', ofSize(5), 1_000);

      expect((await store.stats()).memory.bytes).toBe(2 + 10 + 2 + 5);
    });

    it('evicts the least recently used entries until the new one fits', async () => {
      const store = createStore({ maxBytes: 100 });
      await store.set('k1', ofSize(38), 1_000);
      await store.set('k2', ofSize(38), 1_000);
      await store.get('k1');
      await store.set('k3', ofSize(38), 1_000);

      expect(evictions).toEqual([['k2', 'bytes']]);
      expect((await store.stats()).memory.bytes).toBe(80);
    });

    it('evicts as many entries as one large write needs', async () => {
      const store = createStore({ maxBytes: 100 });
      for (const key of ['k1', 'k2', 'k3']) await store.set(key, ofSize(20), 1_000);
      await store.set('k4', ofSize(78), 1_000);

      expect(evictions).toEqual([
        ['k1', 'bytes'],
        ['k2', 'bytes'],
        ['k3', 'bytes'],
      ]);
      expect(await store.exists('k4')).toBe(true);
    });

    it('reports a count eviction as lru and the ones after it as bytes', async () => {
      const store = createStore({ maxEntries: 2, maxBytes: 100 });
      await store.set('k1', ofSize(18), 1_000);
      await store.set('k2', ofSize(58), 1_000);
      await store.set('k3', ofSize(58), 1_000);

      expect(evictions).toEqual([
        ['k1', 'lru'],
        ['k2', 'bytes'],
      ]);
    });

    it('does not store an entry larger than maxBytes alone, and keeps the others', async () => {
      const store = createStore({ maxBytes: 50 });
      await store.set('small', ofSize(10), 1_000);

      await expect(store.set('big', ofSize(60), 1_000)).resolves.toBeUndefined();

      expect(await store.get('big')).toBeUndefined();
      expect(await store.exists('small')).toBe(true);
      expect(evictions).toEqual([]);
    });

    it('removes the previous value when an oversize write replaces it', async () => {
      const store = createStore({ maxBytes: 50 });
      await store.set('k', ofSize(10), 1_000);
      await store.set('k', ofSize(60), 1_000);

      expect(await store.get('k')).toBeUndefined();
    });
  });

  describe('deleteMatching', () => {
    const keys = ['summarize:1', 'summarize:2', 'summarize_v2:1', 'qa:1', 'qa:10', 'bat', 'cat', 'hat', 'a*b', 'axb', 'a?b'];

    async function seeded(): Promise<MemoryStore> {
      const store = createStore({ maxEntries: 100 });
      for (const key of keys) await store.set(key, bytes('v'), 1_000);
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
      await store.set('café', bytes('v'), 1_000);

      expect(await store.deleteMatching('caf?')).toBe(0);
      expect(await store.deleteMatching('caf??')).toBe(1);
    });

    it('does not count expired entries', async () => {
      const store = createStore();
      await store.set('qa:1', bytes('v'), 100);
      await store.set('qa:2', bytes('v'), 10_000);
      clock += 101;

      expect(await store.deleteMatching('qa:*')).toBe(1);
    });
  });

  describe('deleteMany and clear', () => {
    it('deleteMany counts the live entries it removed', async () => {
      const store = createStore();
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 100);
      await store.set('c', bytes('3'), 1_000);
      clock += 101;

      expect(store.deleteMany(['a', 'b', 'missing'])).toBe(1);
      expect([...store.keys()]).toEqual(['c']);
    });

    it('clear removes everything and returns how many live entries there were', async () => {
      const store = createStore();
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);
      await store.set('c', bytes('3'), 1_000);
      await store.set('gone', bytes('4'), 100);
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
      await store.set('a', bytes('1'), 1_000);
      await store.set('b', bytes('2'), 1_000);

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
      await store.set('a', bytes('1'), 1_000);

      await expect(store.set('b', bytes('2'), 1_000)).resolves.toBeUndefined();

      expect(await text(store, 'b')).toBe('2');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener broke'), 'AICacheWarning');
    });
  });

  describe('stats, health and lifecycle', () => {
    it('reports the memory tier and a disabled redis', async () => {
      const store = createStore({ maxEntries: 7 });
      await store.set('ab', ofSize(3), 1_000);

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
      await store.set('k', bytes('v'), 60_000);

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
