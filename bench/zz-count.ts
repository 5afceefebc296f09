import 'reflect-metadata';
import { Redis } from 'ioredis';
import { createOurCache } from './support/contexts';
import { aiRequest, aiResponse, NO_COMPRESSION } from './support/fixtures';
// usage: node zz-count.js <mode> <ops>: warm up, then run <ops> operations 64 in flight.
(async () => {
  const url = process.env.URL!;
  const [mode, count] = [process.argv[2], Number(process.argv[3])];
  const ours = await createOurCache({ driver: 'redis', redis: { url }, namespace: 'cnt', memoryCacheSize: 0, ...(mode.includes('off') ? NO_COMPRESSION : {}) , ...(mode.includes('lz4') ? { compressionAlgorithm: 'lz4' as const } : {}) });
  const raw = new Redis(url);
  const reqs = Array.from({ length: 100 }, (_, i) => aiRequest(i));
  const resps = Array.from({ length: 100 }, (_, i) => aiResponse(i));
  for (let i = 0; i < 100; i++) { await ours.cache.cacheResponse(reqs[i], resps[i]); await raw.set('raw:' + i, JSON.stringify(resps[i]), 'PX', 7200000); }
  const ops: Record<string, (i: number) => Promise<unknown>> = {
    'ours-hit': (i) => ours.cache.getCachedResponse(reqs[i]),
    'ours-hit-off': (i) => ours.cache.getCachedResponse(reqs[i]),
    'ours-hit-lz4': (i) => ours.cache.getCachedResponse(reqs[i]),
    'raw-hit': async (i) => JSON.parse((await raw.get('raw:' + i))!),
    'ours-write-off': (i) => ours.cache.cacheResponse(reqs[i], resps[i]),
    'ours-write': (i) => ours.cache.cacheResponse(reqs[i], resps[i]),
    'raw-write': (i) => raw.set('raw:' + i, JSON.stringify(resps[i]), 'PX', 7200000),
  };
  const op = ops[mode];
  const go = async (n: number) => { let next = 0; await Promise.all(Array.from({ length: 64 }, async () => { while (next < n) await op(next++ % 100); })); };
  await go(3000); // warm-up: JIT
  await go(count);
  await ours.app.close(); raw.disconnect(); process.exit(0);
})();
