/**
 * The memory driver against what a Nest user would use instead, on a hit of a 2 KB response:
 * cache-manager 7 with cacheable's LRU store (copies values), Nest's default CACHE_MANAGER
 * (in-memory Keyv, JSON-serialized), and lru-cache + structuredClone as a bare-metal baseline.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { BenchContext } from '../support/bench-context';
import { createCacheableLruCache, createNestCacheManager, createOurCache } from '../support/contexts';
import { NO_COMPRESSION, aiRequest, aiResponse, naiveRequestKey } from '../support/fixtures';
import { runScenario, type ScenarioResult } from '../support/scenario';

const TTL_SECONDS = 3600;

const sha256Hex = (input: string) => createHash('sha256').update(input).digest('hex');

export async function memoryDriverScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const { keys } = ctx.sizes;
  const ours = await createOurCache({ driver: 'memory', maxSize: keys * 2 });
  const uncompressed = await createOurCache({ driver: 'memory', maxSize: keys * 2, ...NO_COMPRESSION });
  const nest = await createNestCacheManager({ ttl: TTL_SECONDS * 1000 });
  const cacheable = createCacheableLruCache(keys * 2, TTL_SECONDS * 1000);
  const lru = new LRUCache<string, object>({ max: keys * 2, ttl: TTL_SECONDS * 1000 });
  try {
    const responses = Array.from({ length: keys }, (_, i) => aiResponse(i));
    const requests = Array.from({ length: keys }, (_, i) => aiRequest(i));
    const genericKeys = responses.map((_, i) => `response:${i}`);
    for (let i = 0; i < keys; i++) {
      await ours.cache.set(genericKeys[i], responses[i], TTL_SECONDS);
      await uncompressed.cache.set(genericKeys[i], responses[i], TTL_SECONDS);
      await ours.cache.cacheResponse(requests[i], responses[i]);
      await nest.cache.set(genericKeys[i], responses[i], TTL_SECONDS * 1000);
      await cacheable.set(genericKeys[i], responses[i], TTL_SECONDS * 1000);
      lru.set(genericKeys[i], structuredClone(responses[i]));
      // The peers' version of getCachedResponse: the user hashes the request into a key themselves.
      await nest.cache.set(naiveRequestKey(requests[i], sha256Hex), responses[i], TTL_SECONDS * 1000);
      await cacheable.set(naiveRequestKey(requests[i], sha256Hex), responses[i], TTL_SECONDS * 1000);
    }
    if ((await ours.cache.get(genericKeys[0])) === undefined || (await cacheable.get(genericKeys[0])) == null) {
      throw new Error('memory scenario: entries were not stored');
    }

    const at = (i: number) => i % keys;
    const results: ScenarioResult[] = [];
    ctx.log('memory: get of a 2 KB response');
    results.push(
      await runScenario(
        {
          id: 'memory.get',
          group: 'memory driver',
          title: 'get of a 2 KB AI response (hit, safe copy)',
          unit: 'ops/s',
          higherIsBetter: true,
          contenders: [
            { name: 'nestjs-ai-cache get()', kind: 'ours', op: (i) => ours.cache.get(genericKeys[at(i)]) },
            { name: 'nestjs-ai-cache get(), compression off', kind: 'ours', op: (i) => uncompressed.cache.get(genericKeys[at(i)]) },
            { name: 'cache-manager 7 + cacheable LRU', kind: 'peer', op: (i) => cacheable.get(genericKeys[at(i)]) },
            { name: 'Nest CACHE_MANAGER (default)', kind: 'peer', op: (i) => nest.cache.get(genericKeys[at(i)]) },
            { name: 'lru-cache + structuredClone', kind: 'baseline', op: (i) => structuredClone(lru.get(genericKeys[at(i)])) },
          ],
        },
        ctx.reps,
        ctx.repMsScale,
      ),
    );
    ctx.log('memory: getCachedResponse (300-char text + options, key building included)');
    results.push(
      await runScenario(
        {
          id: 'memory.getCachedResponse',
          group: 'memory driver',
          title: 'getCachedResponse, 300-char text + options (key building included)',
          unit: 'ops/s',
          higherIsBetter: true,
          contenders: [
            { name: 'nestjs-ai-cache getCachedResponse()', kind: 'ours', op: (i) => ours.cache.getCachedResponse(requests[at(i)]) },
            {
              name: 'cache-manager + cacheable, sha256(JSON) key',
              kind: 'peer',
              op: (i) => cacheable.get(naiveRequestKey(requests[at(i)], sha256Hex)),
            },
            {
              name: 'Nest CACHE_MANAGER, sha256(JSON) key',
              kind: 'peer',
              op: (i) => nest.cache.get(naiveRequestKey(requests[at(i)], sha256Hex)),
            },
          ],
        },
        ctx.reps,
        ctx.repMsScale,
      ),
    );
    return results;
  } finally {
    await ours.app.close();
    await uncompressed.app.close();
    await nest.app.close();
    await cacheable.disconnect();
  }
}
