import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { startCluster, startRedis, waitUntil, scanAllKeys } from '../../../../test/support/redis-harness';
import { codecFor, entryFor } from '../../../../test/support/store-fixtures';
import { CircuitOpenError } from './circuit-breaker';
import { RedisStore } from './redis.store';

import { COMMAND_TIMEOUT_MS, expectScanAndUnlinkOnly, useRedisStores } from './redis.store.spec-support';

describe('RedisStore (real redis-server)', () => {
  const t = useRedisStores();
  const { makeStore } = t;

  it('keeps two namespaces on one Redis apart, including clear() and deleteMatching("*")', async () => {
    const tenantA = makeStore({ namespace: 'tenant_a' });
    const tenantB = makeStore({ namespace: 'tenant_b' });
    // A namespace with glob characters is taken literally, never as a pattern.
    const literal = makeStore({ namespace: 'ns[ab]' });
    await Promise.all([tenantA.connect(), tenantB.connect(), literal.connect()]);
    for (const store of [tenantA, tenantB, literal]) {
      await store.set('shared-key', ...entryFor(store.namespace, 60_000));
      await store.set('other', ...entryFor(store.namespace, 60_000));
    }
    await t.inspector.set('nsa:shared-key', 'x');

    expect((await tenantA.get('shared-key'))?.entry.value).toBe('tenant_a');
    expect((await tenantB.get('shared-key'))?.entry.value).toBe('tenant_b');
    expect(await tenantA.deleteMatching('*')).toBe(2);
    expect((await tenantB.get('shared-key'))?.entry.value).toBe('tenant_b');
    expect(await literal.clear()).toBe(2);
    expect(await t.inspector.exists('nsa:shared-key')).toBe(1);
    expect(await tenantB.clear()).toBe(2);
    expect(await scanAllKeys(t.inspector)).toEqual(['nsa:shared-key']);
  });

  it('selects the database, user and password of the url', async () => {
    await t.inspector.call('ACL', 'SETUSER', 'cache-user', 'on', '>s3cret', '~*', '&*', '+@all');
    const store = makeStore({ url: `redis://cache-user:s3cret@127.0.0.1:${t.server.port}/3` });
    await store.connect();
    await store.set('in-db-3', ...entryFor('x', 60_000));
    expect(await t.inspector.exists('ai_cache:in-db-3')).toBe(0);
    const db3 = t.inspector.duplicate({ db: 3 });
    expect(await db3.exists('ai_cache:in-db-3')).toBe(1);
    db3.disconnect();
    await t.inspector.call('ACL', 'DELUSER', 'cache-user');
  });

  it('uses a user-given client as is and leaves it open after close()', async () => {
    const userClient = new Redis(t.server.port, '127.0.0.1');
    const store = new RedisStore({ namespace: 'byo', codec: codecFor(), client: userClient, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    await store.connect();
    await store.set('k', ...entryFor('v', 10_000));
    await store.close();

    expect(userClient.status).toBe('ready');
    expect(await userClient.exists('byo:k')).toBe(1);
    await userClient.quit();
  });

  it('closes the client it created', async () => {
    const store = new RedisStore({ namespace: 'own', codec: codecFor(), url: t.server.url, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    await store.connect();
    expect(store.client.status).toBe('ready');
    await store.close();
    expect(store.client.status).toBe('end');
  });

  it('starts degraded when Redis is unreachable: connect() resolves, calls fail fast, stats/health do not throw', async () => {
    const down = await startRedis();
    const url = down.url;
    await down.stop(); // nothing listens on this port any more
    const warnings: string[] = [];
    const store = makeStore({ url, connectTimeoutMs: 300, logger: { log: () => undefined, warn: (m) => warnings.push(m) } });

    await store.connect();
    expect(store.status).toBe('degraded');
    expect(warnings.some((line) => /not reachable within 300 ms/.test(line))).toBe(true);

    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.get(`k${i}`)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    await expect(store.get('after')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(store.breakerCounters().state).toBe('open');
    await expect(store.stats()).resolves.toMatchObject({ redis: { status: 'degraded' } });
    await expect(store.health()).resolves.toMatchObject({ connected: false, status: 'degraded' });
  });

  it('survives kill -9 mid-run: every call settles, the breaker opens, and it reconnects by itself', async () => {
    const victim = await startRedis();
    const store = makeStore({ url: victim.url, breaker: { baseCooldownMs: 200, maxCooldownMs: 400 } });
    await store.connect();
    await store.set('before', ...entryFor('x', 60_000));

    await victim.kill9();
    // One call after another, as a request loop would make them: each settles (rejects) promptly.
    const outcomes: Array<'resolved' | 'rejected'> = [];
    for (let i = 0; i < 50; i++) {
      const call = i % 2 ? store.get(`k${i}`) : store.set(`k${i}`, ...entryFor('v', 1000));
      outcomes.push(await call.then(() => 'resolved' as const, () => 'rejected' as const));
    }
    expect(outcomes).toEqual(Array(50).fill('rejected'));
    const counters = store.breakerCounters();
    expect(counters.opened).toBe(1);
    expect(counters.errors).toBe(3); // the rest never reached the dead connection
    expect(counters.shortCircuited).toBe(47);
    expect(store.status).toBe('degraded');

    await victim.restart();
    // Nobody reconnects it by hand: the retry strategy and the breaker's probe bring it back.
    expect(await waitUntil(async () => (await store.health()).connected, { attempts: 100, intervalMs: 50 })).toBe(true);
    expect(store.status).toBe('connected');
    await store.set('after', ...entryFor('y', 60_000));
    expect((await store.get('after'))?.entry.value).toBe('y');
  });

  it('bounds every call by the command timeout when Redis hangs (SIGSTOP), then fails fast', async () => {
    const hung = await startRedis();
    const store = makeStore({ url: hung.url, breaker: { baseCooldownMs: 200, maxCooldownMs: 400 } });
    await store.connect();
    hung.pause();
    try {
      const outcomes: unknown[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(await store.get(`k${i}`).catch((error: Error) => error.name));
      expect(outcomes.slice(0, 3)).toEqual(Array(3).fill('CommandTimeoutError'));
      expect(outcomes.slice(3)).toEqual(Array(17).fill('CircuitOpenError'));
      expect(store.breakerCounters()).toMatchObject({ timeouts: 3, shortCircuited: 17, state: 'open' });
    } finally {
      hung.resume();
    }
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    expect(store.breakerCounters().state).toBe('closed');
  });

  it('reads its entries back after a Redis restart with appendonly on', async () => {
    const durable = await startRedis({ appendOnly: true });
    const store = makeStore({ url: durable.url });
    await store.connect();
    const value = randomBytes(2048).toString('base64');
    await store.set('persisted', ...entryFor(value, 60_000));

    await durable.restart();
    expect(await waitUntil(async () => (await store.health()).connected)).toBe(true);
    expect((await store.get('persisted'))?.entry.value).toBe(value);
    expect(await store.ttl('persisted')).toBeGreaterThan(50_000);
  });

  it('never issues KEYS, FLUSHDB or FLUSHALL: the whole scenario above used SCAN and UNLINK', async () => {
    await expectScanAndUnlinkOnly(t.server);
  });
});


describe('RedisStore on a Redis Cluster (3 masters)', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let store: RedisStore;

  beforeAll(async () => {
    cluster = await startCluster(3);
    store = new RedisStore({
      namespace: 'ai_cache',
      codec: codecFor(),
      cluster: { nodes: [`127.0.0.1:${cluster.nodes[0].port}`, cluster.seeds[1]] },
      connectTimeoutMs: 5000,
      commandTimeoutMs: 500,
    });
    await store.connect();
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('reads and writes keys spread over every master, and scan-deletes on all of them', async () => {
    expect(store.status).toBe('connected');
    const keys = Array.from({ length: 300 }, (_, i) => `summarize:${i}`);
    await Promise.all(keys.map((key) => store.set(key, ...entryFor(key, 60_000))));
    await store.set('qa:1', ...entryFor('qa', 60_000));

    const perNode = await Promise.all(cluster.nodes.map(async (node) => Number((await node.cli('DBSIZE')).trim())));
    expect(perNode.every((count) => count > 0)).toBe(true); // the keys really are spread
    expect((await store.get('summarize:7'))?.entry.value).toBe('summarize:7');
    expect((await store.stats()).redis.keys).toBe(301);

    expect(await store.deleteMatching('summarize:*')).toBe(300);
    expect(await store.exists('qa:1')).toBe(true);
    expect(await store.clear()).toBe(1);
    const commandStats = await Promise.all(cluster.nodes.map((node) => node.info('commandstats')));
    expect(commandStats.every((stats) => stats.cmdstat_keys === undefined)).toBe(true);
  });

  it('uses a user-given Cluster client and leaves it open', async () => {
    const userCluster = new Cluster(cluster.seeds);
    const byo = new RedisStore({ namespace: 'byo', codec: codecFor(), client: userCluster, connectTimeoutMs: 5000, commandTimeoutMs: 500 });
    await byo.connect();
    await byo.set('x', ...entryFor('1', 10_000));
    expect(await byo.deleteMatching('*')).toBe(1);
    await byo.close();
    expect(userCluster.status).toBe('ready');
    await userCluster.quit();
  });
});
