import { randomBytes } from 'node:crypto';
import type { CacheStore } from '../stores/cache-store.interface';
import { testEntry } from './test-entry';

/**
 * The parts of the test runner's globals the suite uses: jest and vitest (with `globals: true`)
 * both provide them. Declared here so that the published types need neither runner's.
 */
interface Matchers {
  readonly not: Matchers;
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toBeLessThanOrEqual(expected: number): void;
  toContain(expected: unknown): void;
}
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, test: () => Promise<void>, timeoutMs?: number) => void;
declare const afterEach: (hook: () => Promise<void>, timeoutMs?: number) => void;
declare const expect: (actual: unknown) => Matchers;

/** What the suite gives your factory: a namespace of its own for every store it makes. */
export interface ConformanceStoreContext {
  readonly namespace: string;
}

export interface CacheStoreConformanceOptions {
  /**
   * Writes bytes that are not an entry under `${namespace}:${key}` with your backend's own client;
   * given, the suite checks that such a value is a miss, never an exception. Omit it for a store
   * that keeps no bytes.
   */
  corrupt?: (namespace: string, key: string) => Promise<void>;
  /** Milliseconds an entry lives in the expiry test (the test waits that long, plus 150 ms). Default 200. */
  shortTtlMs?: number;
  /** Time limit of each test, in milliseconds. Default: the runner's. */
  timeoutMs?: number;
}

/**
 * The contract every CacheStore keeps (see `CacheStore` in nestjs-ai-cache), as a test suite:
 * the memory driver's and the Redis driver's stores pass it, and so must a store of your own.
 * Call it at the top level of a spec file; `createStore` is called once or twice per test, each
 * time with a fresh namespace, and every store it makes is connected first and closed after the test.
 *
 * ```ts
 * describeCacheStoreConformance('PostgresCacheStore', ({ namespace }) => new PostgresCacheStore(pool, testStoreContext(namespace).context));
 * ```
 */
export function describeCacheStoreConformance(
  name: string,
  createStore: (context: ConformanceStoreContext) => CacheStore | Promise<CacheStore>,
  options: CacheStoreConformanceOptions = {},
): void {
  const open: CacheStore[] = [];
  const run = `c${randomBytes(4).toString('hex')}`;
  let made = 0;
  const newStore = async (): Promise<{ store: CacheStore; namespace: string }> => {
    const namespace = `${run}_${++made}`;
    const store = await createStore({ namespace });
    open.push(store);
    await store.connect?.();
    return { store, namespace };
  };
  const test = (title: string, body: () => Promise<void>) => it(title, body, options.timeoutMs);

  describe(`${name}: CacheStore conformance`, () => {
    afterEach(async () => {
      for (const store of open.splice(0)) {
        await store.clear().catch(() => undefined);
        await store.close?.();
      }
    }, options.timeoutMs);

    test('answers a key never written as missing', async () => {
      const { store } = await newStore();
      expect(await store.get('never')).toBeUndefined();
      expect(await store.exists('never')).toBe(false);
      expect(await store.ttl('never')).toBeUndefined();
      expect(await store.delete('never')).toBe(false);
    });

    test('returns what was set: the value and every fact of the entry', async () => {
      const { store } = await newStore();
      const [entry, json] = testEntry({ summary: 'short', tokens: [1, 2, 3] }, { operation: 'summarize', textLength: 42, computeMs: 12.5 });
      await store.set('ai:summarize:k', entry, json);
      const read = await store.get('ai:summarize:k');
      expect(read?.entry.value).toEqual({ summary: 'short', tokens: [1, 2, 3] });
      const { cachedAt, expiresAt, staleUntil, size, operation, textLength, computeMs } = read?.entry ?? {};
      expect({ cachedAt, expiresAt, staleUntil, size, operation, textLength, computeMs }).toEqual({
        cachedAt: entry.cachedAt,
        expiresAt: entry.expiresAt,
        staleUntil: entry.staleUntil,
        size: entry.size,
        operation: 'summarize',
        textLength: 42,
        computeMs: 12.5,
      });
      expect(['memory', 'redis']).toContain(read?.tier);
      expect([true, false]).toContain(read?.entry.compressed);
      expect(await store.exists('ai:summarize:k')).toBe(true);
    });

    test('keeps its own copy: the caller changing its object afterwards changes nothing stored', async () => {
      const { store } = await newStore();
      const value = { nested: { n: 1 }, list: ['a'] };
      await store.set('k', ...testEntry(value));
      value.nested.n = 2;
      value.list.push('b');
      expect((await store.get('k'))?.entry.value).toEqual({ nested: { n: 1 }, list: ['a'] });
    });

    test('overwrites, deletes (true once), and reports a deleted key as missing', async () => {
      const { store } = await newStore();
      await store.set('k', ...testEntry('first'));
      await store.set('k', ...testEntry('second'));
      expect((await store.get('k'))?.entry.value).toBe('second');
      expect(await store.delete('k')).toBe(true);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.exists('k')).toBe(false);
      expect(await store.delete('k')).toBe(false);
    });

    test('counts ttl down to expiresAt, in milliseconds, and serves an entry until staleUntil', async () => {
      const { store } = await newStore();
      await store.set('fresh', ...testEntry('v', { ttlMs: 60_000, staleMs: 60_000 }));
      const ttl = (await store.ttl('fresh')) ?? -1;
      expect(ttl).toBeGreaterThanOrEqual(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // Past its TTL, inside its stale window: still answered, with no time left to be fresh.
      await store.set('stale', ...testEntry('old', { ttlMs: -5_000, staleMs: 65_000 }));
      expect((await store.get('stale'))?.entry.value).toBe('old');
      expect(await store.exists('stale')).toBe(true);
      expect(await store.ttl('stale')).toBe(0);
    });

    test('keeps nothing past staleUntil: an entry set already past it removes the previous value, and entries expire', async () => {
      const { store } = await newStore();
      await store.set('k', ...testEntry('live'));
      await store.set('k', ...testEntry('dead', { ttlMs: -1_000 }));
      expect(await store.get('k')).toBeUndefined();
      const shortTtlMs = options.shortTtlMs ?? 200;
      await store.set('short', ...testEntry('brief', { ttlMs: shortTtlMs }));
      expect((await store.get('short'))?.entry.value).toBe('brief');
      await new Promise((resolve) => setTimeout(resolve, shortTtlMs + 150));
      expect(await store.get('short')).toBeUndefined();
      expect(await store.exists('short')).toBe(false);
      expect(await store.ttl('short')).toBeUndefined();
    });

    test('deletes by Redis-style glob, counting the distinct keys removed and nothing else', async () => {
      const { store } = await newStore();
      const keys = ['ai:summarize:a', 'ai:summarize:b', 'ai:summarize_v2:c', 'ai:qa:d', 'user:1', 'user:2', 'star*key', 'hello', 'hallo'];
      for (const key of keys) await store.set(key, ...testEntry(key));
      expect(await store.deleteMatching('ai:summarize:*')).toBe(2);
      expect(await store.deleteMatching('user:?')).toBe(2);
      expect(await store.deleteMatching('h[ae]llo')).toBe(2);
      expect(await store.deleteMatching('*\\**')).toBe(1);
      expect(await store.deleteMatching('nothing:*')).toBe(0);
      const left: string[] = [];
      for (const key of keys) if (await store.exists(key)) left.push(key);
      expect(left).toEqual(['ai:summarize_v2:c', 'ai:qa:d']);
    });

    test('clears its namespace only, counting what it removed; namespaces never share a key', async () => {
      const a = await newStore();
      const b = await newStore();
      await a.store.set('shared', ...testEntry('of a'));
      await a.store.set('only-a', ...testEntry(1));
      await b.store.set('shared', ...testEntry('of b'));
      expect((await a.store.get('shared'))?.entry.value).toBe('of a');
      expect((await b.store.get('shared'))?.entry.value).toBe('of b');
      expect(await a.store.clear()).toBe(2);
      expect(await a.store.get('shared')).toBeUndefined();
      expect((await b.store.get('shared'))?.entry.value).toBe('of b');
      expect(await b.store.deleteMatching('*')).toBe(1);
    });

    test('round-trips unusual keys and JSON values, large ones included', async () => {
      const { store } = await newStore();
      const values: Array<[string, unknown]> = [
        ['ai:qa:s.租户:é', 'naïve 中文 😀'],
        [`long:${'k'.repeat(1000)}`, null],
        ['glob*?[chars]', 0],
        ['empty-string', ''],
        ['nested', { a: [1, { b: [true, false, null] }], 'key with spaces': -1.5e-7 }],
        ['large', 'Lorem ipsum dolor sit amet. '.repeat(8_000)],
      ];
      for (const [key, value] of values) await store.set(key, ...testEntry(value));
      for (const [key, value] of values) expect({ key, value: (await store.get(key))?.entry.value }).toEqual({ key, value });
    });

    test('serves concurrent writes and reads of distinct keys', async () => {
      const { store } = await newStore();
      const keys = Array.from({ length: 50 }, (_, i) => `concurrent:${i}`);
      await Promise.all(keys.map((key, i) => store.set(key, ...testEntry({ i }))));
      const reads = await Promise.all(keys.map(async (key) => (await store.get(key))?.entry.value));
      expect(reads).toEqual(keys.map((_, i) => ({ i })));
      expect(await store.deleteMatching('concurrent:*')).toBe(50);
    });

    test('answers stats and health in their shapes', async () => {
      const { store } = await newStore();
      await store.set('k', ...testEntry('v'));
      const stats = await store.stats();
      expect(['connected', 'degraded', 'disabled']).toContain(stats.redis.status);
      for (const figure of [stats.memory.entries, stats.memory.maxEntries, stats.memory.bytes]) expect(figure).toBeGreaterThanOrEqual(0);
      const health = await store.health();
      expect([true, false]).toContain(health.connected);
      expect(['connected', 'degraded', 'disabled']).toContain(health.status);
      expect(['memory', 'redis', 'custom']).toContain(store.driver);
    });

    const corrupt = options.corrupt;
    if (corrupt) {
      test('reads bytes under its key that are not an entry as a miss, never an exception', async () => {
        const { store, namespace } = await newStore();
        await corrupt(namespace, 'foreign');
        expect(await store.get('foreign')).toBeUndefined();
        expect(await store.exists('foreign')).toBe(false);
        await store.set('foreign', ...testEntry('ours again'));
        expect((await store.get('foreign'))?.entry.value).toBe('ours again');
      });
    }
  });
}
