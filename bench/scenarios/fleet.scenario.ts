/**
 * Fleet-wide single flight: 4 app instances (each its own Nest app and Redis connections, as four pods
 * would have) on one Redis, 250 concurrent identical misses on each → how many model calls. Ours
 * coalesces across the fleet through a lease; Nest's CACHE_MANAGER `wrap()` with @keyv/redis
 * coalesces within one instance at best.
 *
 * And what the lease costs: the time from a getOrCompute miss to the start of its compute,
 * sequential, with the fleet on and off, next to today's miss row (a getCachedResponse miss).
 */
import type { BenchContext } from '../support/bench-context';
import { createNestRedisCacheManager, createOurCache, type NestCacheManager, type OurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import { latencyPercentiles, type RepMeasurement } from '../support/measure';
import { runScenario, type ScenarioResult } from '../support/scenario';
import { countModelCalls } from '../support/stampede';

const INSTANCES = 4;
const CALLERS_PER_INSTANCE = 250;
const COMPUTE_MS = 100;
const TTL_MS = 3600_000;

export async function fleetScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const redis = { url: ctx.redis.url };
  const ours: OurCache[] = [];
  const nests: NestCacheManager[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    ours.push(await createOurCache({ driver: 'redis', redis, namespace: 'bench_fleet' }));
    nests.push(await createNestRedisCacheManager(ctx.redis.url));
  }
  const fleetOff = await createOurCache({ driver: 'redis', redis, namespace: 'bench_fleet_off', singleFlight: { fleet: false } });
  let family = 1000;
  const callers = Math.min(CALLERS_PER_INSTANCE, ctx.sizes.coalescedCallers);

  /** Every instance fires `callers` identical calls at once; counts the model calls of the whole fleet. */
  const stampede = (call: (instance: number, compute: () => Promise<unknown>, rep: number) => Promise<unknown>): Promise<RepMeasurement> => {
    const rep = family++;
    const fire = (compute: () => Promise<unknown>) => Array.from({ length: INSTANCES }, (_, instance) => Array.from({ length: callers }, () => call(instance, compute, rep))).flat();
    return countModelCalls('fleet', COMPUTE_MS, aiResponse(rep), fire);
  };

  /** Sequential misses: the µs from calling getOrCompute to its compute starting. */
  const untilCompute = async (cache: OurCache, ops: number): Promise<RepMeasurement> => {
    const latenciesUs: number[] = [];
    for (let i = 0; i < ops; i++) {
      const rep = family++;
      const started = performance.now();
      await cache.cache.getOrCompute(aiRequest(rep, 3), () => {
        latenciesUs.push((performance.now() - started) * 1000);
        return aiResponse(rep);
      });
    }
    const { p50Us, p99Us } = latencyPercentiles(latenciesUs)!;
    return { value: p50Us, p50Us, p99Us };
  };
  const missOnly = async (cache: OurCache, ops: number): Promise<RepMeasurement> => {
    const latenciesUs: number[] = [];
    for (let i = 0; i < ops; i++) {
      const started = performance.now();
      await cache.cache.getCachedResponse(aiRequest(family++, 4));
      latenciesUs.push((performance.now() - started) * 1000);
    }
    const { p50Us, p99Us } = latencyPercentiles(latenciesUs)!;
    return { value: p50Us, p50Us, p99Us };
  };

  try {
    ctx.log(`fleet: ${INSTANCES} instances × ${callers} identical misses`);
    const stampedeResult = await runScenario(
      {
        id: 'fleet.misses',
        group: 'fleet single flight',
        title: `${INSTANCES} instances × ${callers} identical concurrent misses → model calls`,
        unit: 'computes',
        higherIsBetter: false,
        contenders: [
          { name: 'nestjs-ai-cache getOrCompute(), 4 instances', kind: 'ours', rep: () => stampede((i, compute, rep) => ours[i].cache.getOrCompute(aiRequest(rep, 2), compute)) },
          {
            name: 'Nest CACHE_MANAGER + @keyv/redis wrap(), 4 instances',
            kind: 'peer',
            rep: () => stampede((i, compute, rep) => nests[i].cache.wrap(`fleet:${rep}`, compute, TTL_MS)),
          },
        ],
      },
      ctx.reps,
    );
    const ops = Math.max(20, Math.round(200 * ctx.repMsScale));
    ctx.log('fleet: what the lease adds to a miss before the compute starts');
    const costResult = await runScenario(
      {
        id: 'fleet.miss.sequential',
        group: 'fleet single flight',
        title: 'a miss until its compute starts (p50 µs), sequential',
        unit: 'µs',
        higherIsBetter: false,
        contenders: [
          { name: 'nestjs-ai-cache getOrCompute() until compute, fleet on', kind: 'ours', rep: () => untilCompute(ours[0], ops) },
          { name: 'nestjs-ai-cache getOrCompute() until compute, fleet off', kind: 'baseline', rep: () => untilCompute(fleetOff, ops) },
          { name: 'nestjs-ai-cache getCachedResponse() miss', kind: 'baseline', rep: () => missOnly(ours[0], ops) },
        ],
      },
      ctx.reps,
    );
    return [stampedeResult, costResult];
  } finally {
    for (const cache of [...ours, fleetOff]) await cache.app.close();
    for (const nest of nests) await nest.app.close();
  }
}
