/**
 * Fleet-wide single flight, stale-while-revalidate and refresh-ahead, with app instances as separate
 * OS processes on one real redis-server (and on a local Redis Cluster): every model call of the
 * fleet is counted by the parent as it starts.
 */
import { RedisServer, startCluster, stopAllRedisServers, waitUntil, type RedisClusterHandle } from './support/redis-harness';
import { compileLibrary, startFleet, type Fleet } from './support/fleet-instances';

const request = (text: string) => ({ text, operation: 'summarize', options: { model: 'm' } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

jest.setTimeout(120_000);

describe('a fleet of 4 instances (separate processes) on one redis-server', () => {
  let library: ReturnType<typeof compileLibrary>;
  let server: RedisServer;
  const fleets: Fleet[] = [];
  let namespaceCounter = 0;

  const fleet = async (options: object = {}, count = 4, url = server.url) => {
    const started = await startFleet(library.dist, count, {
      namespace: `fleet_e2e_${++namespaceCounter}`,
      redis: { url, commandTimeoutMs: 300, connectTimeoutMs: 3000 },
      ...options,
    });
    fleets.push(started);
    return started;
  };

  beforeAll(async () => {
    library = compileLibrary();
    server = await RedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((one) => one.close()));
    if (!server.isRunning) await server.restart();
  });

  afterAll(async () => {
    await stopAllRedisServers();
    library?.remove();
  });

  it('4 processes × 250 concurrent identical misses → exactly 1 model call, and every caller gets its result', async () => {
    const { instances, computes } = await fleet();
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 250, request: request('stampede'), computeMs: 300 })));
    expect(computes).toHaveLength(1);
    const answers = bursts.flatMap((burst) => burst.results);
    expect(answers).toHaveLength(1000);
    expect(answers.every((answer) => answer.ok && answer.value.by === computes[0].pid)).toBe(true);
    const stats = await Promise.all(instances.map((instance) => instance.stats()));
    const fleetWaits = stats.map(({ stats: s }) => (s.counters as Record<string, number>).fleetWaits);
    expect(fleetWaits.reduce((a, b) => a + b, 0)).toBe(3); // one waiting flight per other instance
    expect(stats[0].prometheus).toMatch(/^ai_cache_fleet_waits_total\{cache="[^"]+"\} \d+$/m);
  });

  it('takes over within leaseMs + 1 s when the holder process is SIGKILLed mid-compute', async () => {
    const leaseMs = 2_000;
    const { instances, nextCompute, computes } = await fleet({ singleFlight: { leaseMs } });
    const first = nextCompute();
    const bursts = instances.map((instance) => instance.burst({ n: 20, request: request('takeover'), computeMs: 4_000 }).catch((error: Error) => error));
    const holder = await first;
    const second = nextCompute();
    const killedAt = Date.now();
    instances.find((instance) => instance.pid === holder.pid)!.kill();
    const successor = await second;
    expect(successor.pid).not.toBe(holder.pid);
    expect(successor.at - killedAt).toBeLessThanOrEqual(leaseMs + 1_000);
    const survivors = (await Promise.all(bursts)).filter((burst) => !(burst instanceof Error));
    expect(survivors).toHaveLength(3);
    for (const burst of survivors) expect((burst as Exclude<typeof burst, Error>).results.every((r) => r.ok && r.value.by === successor.pid)).toBe(true);
    expect(computes).toHaveLength(2);
    const counters = await Promise.all(
      instances.filter((instance) => instance.pid !== holder.pid).map(async (instance) => ((await instance.stats()).stats.counters as Record<string, number>).leaseTakeovers),
    );
    expect(counters.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('a throwing compute is never cached and the waiters retry one at a time, not all at once', async () => {
    const { instances, computes } = await fleet();
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 50, request: request('flaky'), computeMs: 200, failFirstOf: `flaky:${namespaceCounter}` })));
    expect(computes).toHaveLength(2); // the failure, then ONE retry for the whole fleet
    const failed = bursts.filter((burst) => burst.results.every((r) => !r.ok));
    expect(failed).toHaveLength(1); // the failing instance's own callers get its error
    expect(failed[0].results.every((r) => !r.ok && /model down/.test(r.error))).toBe(true);
    const recovered = bursts.filter((burst) => burst.results.every((r) => r.ok));
    expect(recovered).toHaveLength(3);
    const markers = await Promise.all(instances.map(async (instance) => ((await instance.stats()).stats.counters as Record<string, number>).failureMarkers));
    expect(markers.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('never waits longer than maxWaitMs: then each instance computes itself', async () => {
    const { instances, computes } = await fleet({ singleFlight: { maxWaitMs: 500 } });
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 10, request: request('slow'), computeMs: 3_000 })));
    expect(computes).toHaveLength(4);
    // The waiters gave up after ~500 ms, not after the holder's 3 s.
    const firstCompute = computes[0].at;
    for (const later of computes.slice(1)) expect(later.at - firstCompute).toBeLessThan(1_500);
    expect(bursts.every((burst) => burst.results.every((r) => r.ok))).toBe(true);
  });

  it('Redis killed while the waiters wait: every instance answers (computing itself), none throws', async () => {
    const { instances, nextCompute, computes } = await fleet();
    const first = nextCompute();
    const bursts = Promise.all(instances.map((instance) => instance.burst({ n: 25, request: request('outage'), computeMs: 1_500 })));
    await first;
    await sleep(100);
    await server.kill9();
    const results = await bursts;
    expect(results.every((burst) => burst.results.every((r) => r.ok))).toBe(true);
    expect(computes.length).toBeGreaterThanOrEqual(1);
    expect(computes.length).toBeLessThanOrEqual(4); // at most one per instance: per-process single flight
  });

  it('stale-while-revalidate answers within 50 ms and refreshes once for the whole fleet', async () => {
    const { instances, computes } = await fleet({ staleWhileRevalidate: '30s' });
    await instances[0].burst({ n: 1, request: request('swr'), computeMs: 10, answer: 'v1', callOptions: { ttl: 1 } });
    expect(computes).toHaveLength(1);
    await sleep(1_200); // past its 1 s TTL, inside the 30 s stale window
    const stale = await instances[1].lookup(request('swr'));
    expect(stale.hit).toMatchObject({ response: { answer: 'v1' }, stale: true });

    const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 50, request: request('swr'), computeMs: 500, answer: 'v2', callOptions: { ttl: 60 } })));
    const latencies = bursts.flatMap((burst) => burst.results.map((r) => (r.ok ? r.ms : Number.POSITIVE_INFINITY)));
    // Answered at once, from the cache (not after the 500 ms compute): stale, every one of them.
    expect(percentile(latencies, 99)).toBeLessThan(50);
    expect(bursts.every((burst) => burst.results.every((r) => r.ok && r.value.answer === 'v1' && r.status === 'stale'))).toBe(true);
    expect(await waitUntil(() => computes.length === 2, { attempts: 50, intervalMs: 50 })).toBe(true);
    await sleep(300);
    expect(computes).toHaveLength(2); // one background refresh, fleet-wide
    expect(await waitUntil(async () => (await instances[2].lookup(request('swr'))).hit?.response !== undefined && !(await instances[2].lookup(request('swr'))).hit?.stale)).toBe(true);
    expect((await instances[3].lookup(request('swr'))).hit).toMatchObject({ response: { answer: 'v2' } });
    const refreshes = await Promise.all(instances.map(async (instance) => (await instance.stats()).stats.counters as Record<string, number>));
    expect(refreshes.reduce((sum, c) => sum + c.backgroundRefreshes, 0)).toBe(1);
    expect(refreshes.reduce((sum, c) => sum + c.staleAnswers, 0)).toBe(200);
  });

  it('refresh-ahead refreshes a hot entry before it expires: no reader ever waits for the model', async () => {
    // XFetch refreshes about beta·δ·ln(reads per δ) before expiry: with a 50 ms compute, well inside a 2 s TTL.
    const { instances, computes } = await fleet({ refreshAhead: true });
    await instances[0].burst({ n: 1, request: request('hot'), computeMs: 50, answer: 'first', callOptions: { ttl: 2 } });
    const statuses = new Set<string>();
    const answers = new Set<string>();
    const until = Date.now() + 4_500; // more than two TTLs
    while (Date.now() < until) {
      const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 5, request: request('hot'), computeMs: 50, answer: 'refreshed', callOptions: { ttl: 2 } })));
      for (const result of bursts.flatMap((burst) => burst.results)) {
        expect(result.ok).toBe(true);
        if (result.ok) {
          statuses.add(result.status);
          answers.add(result.value.answer);
        }
      }
      await sleep(20);
    }
    // Every reader was answered from the cache: the entry never expired under them.
    expect([...statuses]).toEqual(['hit']);
    expect(answers.has('refreshed')).toBe(true);
    // Refreshed ahead about once per TTL, in the background, by one instance at a time.
    expect(computes.length).toBeGreaterThanOrEqual(3);
    expect(computes.length).toBeLessThanOrEqual(6);
    const counters = await Promise.all(instances.map(async (instance) => (await instance.stats()).stats.counters as Record<string, number>));
    expect(counters.reduce((sum, c) => sum + c.backgroundRefreshes, 0)).toBe(computes.length - 1);
  });
});

describe('a fleet of 3 instances on a local Redis Cluster', () => {
  let library: ReturnType<typeof compileLibrary>;
  let cluster: RedisClusterHandle;
  const fleets: Fleet[] = [];
  let namespaceCounter = 0;

  const clusterFleet = async (options: object = {}) => {
    const redis = { cluster: { nodes: cluster.seeds }, connectTimeoutMs: 5000, commandTimeoutMs: 500 };
    const started = await startFleet(library.dist, 3, { namespace: `fleet_cluster_${++namespaceCounter}`, redis, ...options });
    fleets.push(started);
    return started;
  };

  beforeAll(async () => {
    library = compileLibrary();
    cluster = await startCluster(3);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((one) => one.close()));
  });

  afterAll(async () => {
    await cluster?.stop();
    library?.remove();
  });

  it('coalesces identical misses to one model call across instances, whatever slot the keys are in', async () => {
    const fleet = await clusterFleet();
    for (const text of ['one', 'two', 'three']) {
      const before = fleet.computes.length;
      await Promise.all(fleet.instances.map((instance) => instance.burst({ n: 50, request: request(text), computeMs: 200 })));
      expect(fleet.computes.length - before).toBe(1);
    }
  });

  it('takes over within leaseMs + 1 s when the holder is SIGKILLed', async () => {
    const leaseMs = 2_000;
    const { instances, nextCompute, computes } = await clusterFleet({ singleFlight: { leaseMs } });
    const first = nextCompute();
    const bursts = instances.map((instance) => instance.burst({ n: 10, request: request('takeover'), computeMs: 4_000 }).catch((error: Error) => error));
    const holder = await first;
    const second = nextCompute();
    const killedAt = Date.now();
    instances.find((instance) => instance.pid === holder.pid)!.kill();
    const successor = await second;
    expect(successor.pid).not.toBe(holder.pid);
    expect(successor.at - killedAt).toBeLessThanOrEqual(leaseMs + 1_000);
    const survivors = (await Promise.all(bursts)).filter((burst): burst is Exclude<typeof burst, Error> => !(burst instanceof Error));
    expect(survivors).toHaveLength(2);
    expect(survivors.every((burst) => burst.results.every((r) => r.ok && r.value.by === successor.pid))).toBe(true);
    expect(computes).toHaveLength(2);
  });

  it('stale-while-revalidate answers at once and refreshes once for the whole fleet', async () => {
    const { instances, computes } = await clusterFleet({ staleWhileRevalidate: '30s' });
    await instances[0].burst({ n: 1, request: request('swr'), computeMs: 10, answer: 'v1', callOptions: { ttl: 1 } });
    await sleep(1_200);
    const bursts = await Promise.all(instances.map((instance) => instance.burst({ n: 20, request: request('swr'), computeMs: 300, answer: 'v2', callOptions: { ttl: 60 } })));
    expect(bursts.every((burst) => burst.results.every((r) => r.ok && r.value.answer === 'v1' && r.status === 'stale'))).toBe(true);
    expect(await waitUntil(() => computes.length === 2, { attempts: 50, intervalMs: 50 })).toBe(true);
    await sleep(300);
    expect(computes).toHaveLength(2);
    expect(await waitUntil(async () => (await instances[2].lookup(request('swr'))).hit?.stale === undefined)).toBe(true);
    expect((await instances[1].lookup(request('swr'))).hit).toMatchObject({ response: { answer: 'v2' } });
  });
});
