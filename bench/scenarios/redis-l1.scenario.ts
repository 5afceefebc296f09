/**
 * The redis driver with its L1 tier on, on a hot key set (every key in L1): what a hit costs when
 * Redis is not asked at all, against the memory driver doing the same getCachedResponse. L1 keeps
 * decoded entries like the memory driver, so the two should cost the same.
 */
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import { runScenario, type ScenarioResult } from '../support/scenario';

export async function redisL1Scenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  // A hot set that fits L1's default 100 entries.
  const hot = Math.min(ctx.sizes.keys, 100);
  const tiered = await createOurCache({ driver: 'redis', redis: { url: ctx.redis.url }, namespace: 'bench_l1', memoryCacheSize: 100 });
  const memory = await createOurCache({ driver: 'memory', namespace: 'bench_mem' });
  try {
    const requests = Array.from({ length: hot }, (_, i) => aiRequest(i));
    for (let i = 0; i < hot; i++) {
      await tiered.cache.cacheResponse(requests[i], aiResponse(i));
      await memory.cache.cacheResponse(requests[i], aiResponse(i));
    }
    const probe = await tiered.cache.getCachedResponse(requests[hot - 1]);
    if (probe?.tier !== 'memory') throw new Error(`L1 scenario: expected an L1 hit, got ${JSON.stringify(probe?.tier)}`);
    const at = (i: number) => i % hot;
    ctx.log('redis: hot-key hit, L1 on');
    return [
      await runScenario(
        {
          id: 'redis.l1.hit',
          group: 'redis driver (L1 on)',
          title: `redis driver with L1 on: hot-key getCachedResponse (${hot} keys, all in L1)`,
          unit: 'ops/s',
          higherIsBetter: true,
          contenders: [
            { name: 'nestjs-ai-cache getCachedResponse(), L1 on', kind: 'ours', op: (i) => tiered.cache.getCachedResponse(requests[at(i)]) },
            { name: 'nestjs-ai-cache memory driver getCachedResponse()', kind: 'baseline', op: (i) => memory.cache.getCachedResponse(requests[at(i)]) },
          ],
        },
        ctx.reps,
        ctx.repMsScale,
      ),
    ];
  } finally {
    await tiered.app.close();
    await memory.app.close();
  }
}
