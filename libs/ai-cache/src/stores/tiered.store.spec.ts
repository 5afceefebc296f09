import { Redis } from 'ioredis';
import { codecFor, entryFor } from '../../../../test/support/store-fixtures';
import { scanAllKeys, waitUntil } from '../../../../test/support/redis-harness';
import type { TieredStore } from './tiered.store';
import { expectNoForbiddenCommands, subscriberConnections, tierOf, useTieredStores, valueOf } from './tiered.store.spec-support';

describe('TieredStore (L1 memory + L2 real redis-server)', () => {
  const t = useTieredStores();
  const { make, pair, heardOf, warm, nextNamespace } = t;

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
    const stored = await t.inspector.getBuffer(`${namespace}:k`);
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
    const stored = (await t.inspector.getBuffer(`${namespace}:zipped`))!;
    expect(stored[5]).toBe(1); // deflate
    expect(stored.length).toBeLessThan(JSON.stringify(value).length / 4);
  });

  it('sets PX from the entry\'s lifetime and reports what is left of its TTL, from Redis', async () => {
    const { a, namespace } = await pair();
    await a.set('ttl', ...entryFor('x', 45_000));
    const pttl = await t.inspector.pttl(`${namespace}:ttl`);
    expect(pttl).toBeGreaterThan(44_000);
    expect(pttl).toBeLessThanOrEqual(45_000);
    expect(await a.ttl('ttl')).toBeGreaterThan(44_000);
    // A stale window lengthens Redis's lifetime, not the TTL reported.
    await a.set('swr', ...entryFor('x', 10_000, { staleMs: 30_000 }));
    expect(await t.inspector.pttl(`${namespace}:swr`)).toBeGreaterThan(39_000);
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

  it('counts distinct keys: an entry in L1 and in Redis is removed once and counted once', async () => {
    const { a, b, namespace } = await pair();
    for (const key of ['s:1', 's:2', 's:3']) await a.set(key, ...entryFor(key, 60_000));
    await b.set('s:4', ...entryFor('s4', 60_000));
    await a.set('t:1', ...entryFor('t', 60_000));

    expect(await a.deleteMatching('s:*')).toBe(4);
    expect(await a.delete('t:1')).toBe(true);
    expect(await a.delete('t:1')).toBe(false);
    expect(await a.clear()).toBe(0);
    expect((await scanAllKeys(t.inspector)).filter((key) => key.startsWith(`${namespace}:`))).toEqual([]);
  });

  it('without L1 (memoryCacheSize 0): every hit comes from Redis, and no coherence connection is opened', async () => {
    const before = await subscriberConnections(t.inspector);
    const { store } = make({ namespace: nextNamespace(), memoryCacheSize: 0 });
    await store.connect();
    await store.set('k', ...entryFor('v', 60_000));
    expect(await tierOf(store, 'k')).toBe('redis');
    expect(await tierOf(store, 'k')).toBe('redis');
    expect((await store.stats()).memory).toEqual({ entries: 0, maxEntries: 0, bytes: 0 });
    expect(await subscriberConnections(t.inspector)).toBe(before);
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
    expect(await t.inspector.exists('space_two:same', 'space_two:other')).toBe(2);
    expect(await two.deleteMatching('*')).toBe(2);
  });

  it('treats a huge foreign value under our key as a miss and removes it, without a timeout or an open breaker', async () => {
    const { a, namespace } = await pair(nextNamespace(), { commandTimeoutMs: 1_000 });
    // 300 MB made by the server itself (SETRANGE pads with zeros): no transfer to set it up. Read
    // whole, it would take seconds to arrive and block every command queued behind it.
    await t.inspector.setrange(`${namespace}:huge`, 300 * 1024 * 1024, 'x');
    expect(await a.get('huge')).toBeUndefined();
    expect(await t.inspector.exists(`${namespace}:huge`)).toBe(0);
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
    await t.inspector.set(`${namespace}:bomb`, bomb, 'PX', 60_000);

    const heapBefore = process.memoryUsage().heapUsed;
    expect(await store.get('bomb')).toBeUndefined();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
    expect(corrupted).toBe(1);
    expect(await t.inspector.exists(`${namespace}:bomb`)).toBe(0);
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
    expect((await t.inspector.getBuffer(`${namespace}:by-lz4`))![5]).toBe(2);
    expect((await t.inspector.getBuffer(`${namespace}:by-brotli`))![5]).toBe(4);
    for (const key of ['by-lz4', 'by-brotli']) expect(await deflate.get(key)).toMatchObject({ tier: 'redis', entry: { value, compressed: true } });
  });

  it('leaves a user-given client open after close(), and closes the subscriber it opened', async () => {
    const userClient = new Redis(t.server.port, '127.0.0.1');
    const before = await subscriberConnections(t.inspector);
    const { store } = make({ namespace: nextNamespace(), client: userClient });
    await store.connect();
    await store.set('k', ...entryFor('v', 10_000));
    expect(await subscriberConnections(t.inspector)).toBe(before + 1);

    await store.close();
    expect(userClient.status).toBe('ready');
    expect(await userClient.ping()).toBe('PONG');
    expect(((await userClient.call('CLIENT', 'TRACKINGINFO')) as unknown[])[1]).toEqual(['off']);
    expect(await waitUntil(async () => (await subscriberConnections(t.inspector)) === before)).toBe(true);
    await userClient.quit();
  });

  it('never sent KEYS, FLUSHDB, FLUSHALL or PUBLISH to Redis in the whole scenario', async () => {
    await expectNoForbiddenCommands(t.inspector);
  });
});
