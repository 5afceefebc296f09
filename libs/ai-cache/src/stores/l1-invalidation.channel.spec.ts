import { Redis } from 'ioredis';
import { RedisServer, startRedis, stopAllRedisServers, waitUntil } from '../../../../test/support/redis-harness';
import { L1Invalidation, L1InvalidationChannel, parseMessage } from './l1-invalidation.channel';
import { RedisStore } from './redis.store';

describe('parseMessage', () => {
  it('accepts the three well-formed shapes', () => {
    expect(parseMessage('{"v":1,"from":"a","keys":["k1","k2"]}')).toMatchObject({ keys: ['k1', 'k2'] });
    expect(parseMessage('{"v":1,"from":"a","patterns":["op:*"]}')).toMatchObject({ patterns: ['op:*'] });
    expect(parseMessage('{"v":1,"from":"a","all":true}')).toMatchObject({ all: true });
  });

  it.each([
    ['not JSON', 'keys k1'],
    ['a JSON scalar', '42'],
    ['null', 'null'],
    ['another version', '{"v":2,"from":"a","keys":["k"]}'],
    ['no sender', '{"v":1,"keys":["k"]}'],
    ['keys that are not strings', '{"v":1,"from":"a","keys":[1]}'],
    ['patterns that are not an array', '{"v":1,"from":"a","patterns":"*"}'],
    ['nothing to invalidate', '{"v":1,"from":"a"}'],
    ['all: false alone', '{"v":1,"from":"a","all":false}'],
    ['an oversized message', `{"v":1,"from":"a","keys":["${'x'.repeat(1024 * 1024)}"]}`],
  ])('rejects %s', (_label, raw) => {
    expect(parseMessage(raw)).toBeUndefined();
  });
});

describe('L1InvalidationChannel (real redis-server)', () => {
  let server: RedisServer;
  let publisher: RedisStore;
  let inspector: Redis;
  const channels: L1InvalidationChannel[] = [];

  const makeChannel = (namespace = 'ai_cache', createSubscriber = () => publisher.duplicateClient()) => {
    const received: L1Invalidation[] = [];
    let resyncs = 0;
    const channel = new L1InvalidationChannel({
      namespace,
      createSubscriber,
      publish: (name, message) => publisher.publish(name, message),
      onInvalidate: (invalidation) => received.push(invalidation),
      onResync: () => resyncs++,
    });
    channels.push(channel);
    return { channel, received, resyncs: () => resyncs };
  };

  beforeAll(async () => {
    server = await startRedis();
    publisher = new RedisStore({ namespace: 'ai_cache', url: server.url, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    await publisher.connect();
    inspector = new Redis(server.port, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(channels.map((channel) => channel.close()));
    await publisher.close();
    inspector.disconnect();
    await stopAllRedisServers();
  });

  it('delivers keys, patterns and clear-all to the other instance, and skips its own messages', async () => {
    const a = makeChannel();
    const b = makeChannel();
    await Promise.all([a.channel.start(2000), b.channel.start(2000)]);
    expect(a.channel.isLive && b.channel.isLive).toBe(true);
    expect(a.resyncs()).toBe(1); // the first subscription clears whatever L1 held before it

    await a.channel.publish({ kind: 'keys', keys: ['user:1', 'user:2'] });
    await a.channel.publish({ kind: 'patterns', patterns: ['summarize:*'] });
    await a.channel.publish({ kind: 'all' });

    expect(await waitUntil(() => b.received.length === 3, { attempts: 20, intervalMs: 5 })).toBe(true);
    expect(b.received).toEqual([
      { kind: 'keys', keys: ['user:1', 'user:2'] },
      { kind: 'patterns', patterns: ['summarize:*'] },
      { kind: 'all' },
    ]);
    expect(await waitUntil(() => a.channel.counters().ignoredOwn === 3)).toBe(true);
    expect(a.received).toEqual([]);
    expect(a.channel.counters()).toMatchObject({ published: 3, received: 0 });
  });

  it('ignores malformed messages and other namespaces', async () => {
    const listener = makeChannel('tenant_x');
    const other = makeChannel('tenant_y');
    await Promise.all([listener.channel.start(2000), other.channel.start(2000)]);
    await inspector.publish(listener.channel.channel, 'not json');
    await inspector.publish(listener.channel.channel, '{"v":1,"from":"evil","keys":[{"$gt":""}]}');
    await other.channel.publish({ kind: 'all' });
    await inspector.publish(listener.channel.channel, JSON.stringify({ v: 1, from: 'peer', keys: ['ok'] }));

    expect(await waitUntil(() => listener.received.length === 1)).toBe(true);
    expect(listener.received).toEqual([{ kind: 'keys', keys: ['ok'] }]);
    expect(listener.channel.counters().malformed).toBe(2);
  });

  it('resyncs (L1 must be cleared) when the subscription comes back after Redis restarts', async () => {
    const restartable = await startRedis();
    const store = new RedisStore({ namespace: 'ai_cache', url: restartable.url, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    const listener = makeChannel('ai_cache', () => store.duplicateClient());
    await listener.channel.start(2000);
    expect(listener.resyncs()).toBe(1);

    await restartable.kill9();
    expect(await waitUntil(() => !listener.channel.isLive)).toBe(true);
    await restartable.restart();
    expect(await waitUntil(() => listener.channel.isLive)).toBe(true);
    expect(listener.resyncs()).toBe(2);

    await listener.channel.close();
    await store.close();
  });

  it('start() returns without a subscription when Redis is unreachable, and never throws', async () => {
    const gone = await startRedis();
    const store = new RedisStore({ namespace: 'ai_cache', url: gone.url, connectTimeoutMs: 200, commandTimeoutMs: 200 });
    await gone.stop();
    const listener = makeChannel('ai_cache', () => store.duplicateClient());
    await expect(listener.channel.start(200)).resolves.toBeUndefined();
    expect(listener.channel.isLive).toBe(false);
    await expect(listener.channel.publish({ kind: 'all' })).resolves.toBeUndefined();
    await listener.channel.close();
    await store.close();
  });

  it('closes the duplicate it made of a user-given client, and leaves that client open', async () => {
    const userClient = new Redis(server.port, '127.0.0.1');
    const store = new RedisStore({ namespace: 'byo', client: userClient, connectTimeoutMs: 2000, commandTimeoutMs: 200 });
    let subscriber: ReturnType<RedisStore['duplicateClient']> | undefined;
    const listener = makeChannel('byo', () => (subscriber = store.duplicateClient()));
    await listener.channel.start(2000);
    expect(subscriber).not.toBe(userClient);
    expect(subscriber?.status).toBe('ready');

    await listener.channel.close();
    await store.close();
    expect(subscriber?.status).toBe('end');
    expect(userClient.status).toBe('ready');
    await userClient.quit();
  });
});
