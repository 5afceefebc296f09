/**
 * A stampede: 1 000 concurrent identical requests on a cold key. A single-flight cache calls the
 * model once; a plain get-then-set cache calls it once per caller. The compute takes 50 ms (a fast
 * model); every repetition uses a new request so that each one starts cold.
 */
import type { BenchContext } from '../support/bench-context';
import { createCacheableLruCache, createNestRedisCacheManager, createOurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import type { RepMeasurement } from '../support/measure';
import { runScenario, type ScenarioResult } from '../support/scenario';
import { countModelCalls } from '../support/stampede';

const COMPUTE_MS = 50;
const TTL_MS = 3600_000;

export async function coalescingScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const callers = ctx.sizes.coalescedCallers;
  const memory = await createOurCache({ driver: 'memory' });
  const redis = await createOurCache({ driver: 'redis', redis: { url: ctx.redis.url }, namespace: 'bench_coalesce', memoryCacheSize: 0 });
  const cacheable = createCacheableLruCache(1000, TTL_MS);
  const nest = await createNestRedisCacheManager(ctx.redis.url);
  let family = 100;

  /** Fires `callers` identical calls at once and counts how many times the model ran. */
  const stampede = (call: (compute: () => Promise<unknown>, rep: number) => Promise<unknown>): Promise<RepMeasurement> => {
    const rep = family++;
    return countModelCalls('coalescing', COMPUTE_MS, aiResponse(rep), (compute) => Array.from({ length: callers }, () => call(compute, rep)));
  };

  try {
    ctx.log(`single flight: ${callers} concurrent identical misses`);
    const result = await runScenario(
      {
        id: 'coalescing.misses',
        group: 'single flight',
        title: `${callers.toLocaleString('en-US')} concurrent identical misses → model calls`,
        unit: 'computes',
        higherIsBetter: false,
        contenders: [
          { name: 'nestjs-ai-cache getOrCompute(), memory', kind: 'ours', rep: () => stampede((compute, rep) => memory.cache.getOrCompute(aiRequest(rep, 2), compute)) },
          { name: 'nestjs-ai-cache getOrCompute(), redis L1 off', kind: 'ours', rep: () => stampede((compute, rep) => redis.cache.getOrCompute(aiRequest(rep, 2), compute)) },
          { name: 'cache-manager 7 wrap() + cacheable LRU', kind: 'peer', rep: () => stampede((compute, rep) => cacheable.wrap(`stampede:${rep}`, compute, TTL_MS)) },
          { name: 'Nest CACHE_MANAGER + @keyv/redis wrap()', kind: 'peer', rep: () => stampede((compute, rep) => nest.cache.wrap(`stampede:${rep}`, compute, TTL_MS)) },
        ],
      },
      ctx.reps,
    );
    return [result];
  } finally {
    await memory.app.close();
    await redis.app.close();
    await nest.app.close();
    await cacheable.disconnect();
  }
}
