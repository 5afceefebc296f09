import 'reflect-metadata';
import { createOurCache } from './support/contexts';
import { aiRequest, aiResponse, NO_COMPRESSION } from './support/fixtures';
const mode = process.argv[2] ?? 'hit';
(async () => {
  const url = process.env.URL!;
  const ours = await createOurCache({ driver: 'redis', redis: { url }, namespace: 'prof', memoryCacheSize: 0, ...NO_COMPRESSION });
  const n = 100;
  const reqs = Array.from({ length: n }, (_, i) => aiRequest(i));
  const resps = Array.from({ length: n }, (_, i) => aiResponse(i));
  for (let i = 0; i < n; i++) await ours.cache.cacheResponse(reqs[i], resps[i]);
  const started = Date.now();
  let ops = 0;
  const worker = async () => {
    while (Date.now() - started < 8000) {
      const i = ops++ % n;
      if (mode === 'hit') await ours.cache.getCachedResponse(reqs[i]);
      else await ours.cache.cacheResponse(reqs[i], resps[i]);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  console.log(mode, Math.round(ops / 8), 'ops/s');
  await ours.app.close();
  process.exit(0);
})();
