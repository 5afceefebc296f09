import { Redis } from 'ioredis';
import { entryFor, tieredStoreFor } from '../../../../test/support/store-fixtures';
import { RedisServer, startRedis, stopAllRedisServers } from '../../../../test/support/redis-harness';
import type { TieredStore } from '../stores/tiered.store';
import { runFleetFlight, type FleetEvents, type FleetFlightOptions } from './fleet-flight';

const OPTIONS: FleetFlightOptions = { leaseMs: 2_000, maxWaitMs: 5_000, pollMs: 1_000, failureMarkerMs: 1_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runFleetFlight (two instances on a real redis-server)', () => {
  let server: RedisServer;
  let inspector: Redis;
  const stores: TieredStore[] = [];
  let counter = 0;

  /** One "instance": a store of its own on the shared server, and counters of what its flights reported. */
  const instance = async (namespace: string, memoryCacheSize = 10) => {
    const { store } = tieredStoreFor({ namespace, url: server.url, memoryCacheSize });
    stores.push(store);
    await store.connect();
    const counts = { waited: 0, tookOver: 0, markedFailed: 0 };
    const events: FleetEvents = { waited: () => counts.waited++, tookOver: () => counts.tookOver++, markedFailed: () => counts.markedFailed++ };
    const flight = (key: string, compute: () => Promise<string>, options: Partial<FleetFlightOptions> = {}) =>
      runFleetFlight({
        key,
        coordination: store.fleet(),
        readEntry: async () => (await store.get(key))?.entry.value as string | undefined,
        compute: async () => {
          const value = await compute();
          await store.set(key, ...entryFor(value, 60_000));
          return value;
        },
        options: { ...OPTIONS, ...options },
        events,
      });
    return { store, counts, flight };
  };

  beforeAll(async () => {
    server = await startRedis();
    inspector = new Redis(server.port, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    inspector.disconnect();
    await stopAllRedisServers();
  });

  it('computes once across instances: the others wait, woken by Redis\'s report of the write', async () => {
    const namespace = `fleet_${++counter}`;
    const [a, b, c] = [await instance(namespace), await instance(namespace), await instance(namespace, 0)];
    let computes = 0;
    const slowModel = async () => {
      computes++;
      leaseSeenWhileComputing = await inspector.exists(`${namespace}:#lease:{${namespace}:k}`);
      await sleep(300);
      return 'the answer';
    };
    let leaseSeenWhileComputing = 0;
    const started = performance.now();
    const outcomes = await Promise.all([a.flight('k', slowModel), b.flight('k', slowModel), c.flight('k', slowModel)]);
    expect(computes).toBe(1);
    expect(outcomes.map((outcome) => outcome.value)).toEqual(['the answer', 'the answer', 'the answer']);
    expect(outcomes.filter((outcome) => outcome.source === 'fleet')).toHaveLength(2);
    expect(a.counts.waited + b.counts.waited + c.counts.waited).toBe(2);
    // Woken by the report, not by the 1 s poll.
    expect(performance.now() - started).toBeLessThan(900);
    expect(leaseSeenWhileComputing).toBe(1);
    expect(await inspector.exists(`${namespace}:#lease:{${namespace}:k}`)).toBe(0); // released by its holder
  });

  it('takes over within leaseMs + a poll when the holder vanishes without releasing', async () => {
    const namespace = `fleet_${++counter}`;
    const [dead, alive] = [await instance(namespace), await instance(namespace)];
    // A holder that took the lease and died: nobody renews or releases it.
    const lease = await dead.store.fleet().tryAcquire('k', 1_000);
    expect(lease).toBeDefined();
    const started = performance.now();
    const outcome = await alive.flight('k', async () => 'taken over', { leaseMs: 1_000 });
    expect(outcome).toEqual({ value: 'taken over', source: 'computed' });
    expect(performance.now() - started).toBeLessThan(1_000 + 1_000);
    expect(alive.counts).toMatchObject({ waited: 1, tookOver: 1 });
  });

  it('never caches a failure, marks it, and lets the waiters retry one at a time', async () => {
    const namespace = `fleet_${++counter}`;
    const instances = [await instance(namespace), await instance(namespace), await instance(namespace), await instance(namespace)];
    let calls = 0;
    const flaky = async () => {
      calls++;
      await sleep(100);
      if (calls === 1) throw new Error('model down');
      return 'recovered';
    };
    const outcomes = await Promise.allSettled(instances.map((one) => one.flight('k', flaky)));
    // The first holder failed (its caller gets the error), ONE waiter took the next lease, the rest got its result.
    expect(calls).toBe(2);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => (outcome as PromiseFulfilledResult<{ value: string }>).value.value)).toEqual(
      ['recovered', 'recovered', 'recovered'],
    );
    expect(instances.reduce((sum, one) => sum + one.counts.markedFailed, 0)).toBe(1);
    expect(await inspector.get(`${namespace}:k`)).not.toBeNull(); // the success, not the failure, is stored
  });

  it('never waits longer than maxWaitMs: then it computes itself', async () => {
    const namespace = `fleet_${++counter}`;
    const [holder, impatient] = [await instance(namespace), await instance(namespace)];
    const stuck = holder.flight('k', async () => {
      await sleep(2_500);
      return 'late';
    });
    await sleep(50);
    const started = performance.now();
    const outcome = await impatient.flight('k', async () => 'own', { maxWaitMs: 400 });
    expect(outcome).toEqual({ value: 'own', source: 'computed' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await stuck).value).toBe('late');
  });

  it('computes alone, at once, when Redis is not there', async () => {
    const down = await startRedis();
    const url = down.url;
    await down.shutdown();
    const { store } = tieredStoreFor({ namespace: 'fleet_down', url, connectTimeoutMs: 200 });
    stores.push(store);
    await store.connect();
    const events = { waited: jest.fn(), tookOver: jest.fn(), markedFailed: jest.fn() };
    const outcome = await runFleetFlight({
      key: 'k',
      coordination: store.fleet(),
      readEntry: async () => undefined,
      compute: async () => 'alone',
      options: OPTIONS,
      events,
    });
    expect(outcome).toEqual({ value: 'alone', source: 'computed' });
    expect(events.waited).not.toHaveBeenCalled();
  });

  it('keeps leases and markers out of invalidation counts, and removes them with clear()', async () => {
    const namespace = `fleet_${++counter}`;
    const { store } = await instance(namespace);
    await store.set('ai:summarize:x', ...entryFor('v', 60_000));
    await store.fleet().tryAcquire('ai:summarize:x', 60_000);
    await store.fleet().markFailed('ai:summarize:x', 60_000);
    expect(await store.deleteMatching('*summarize*')).toBe(1);
    expect(await inspector.exists(`${namespace}:#lease:{${namespace}:ai:summarize:x}`, `${namespace}:#failed:{${namespace}:ai:summarize:x}`)).toBe(2);
    expect(await store.clear()).toBe(0);
    expect(await inspector.exists(`${namespace}:#lease:{${namespace}:ai:summarize:x}`, `${namespace}:#failed:{${namespace}:ai:summarize:x}`)).toBe(0);
  });
});
