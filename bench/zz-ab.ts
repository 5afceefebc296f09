import 'reflect-metadata';
import { Redis } from 'ioredis';
import { createOurCache } from './support/contexts';
import { aiRequest, aiResponse, NO_COMPRESSION } from './support/fixtures';
async function run(name: string, op: (i: number) => Promise<unknown>, ms = 1500): Promise<number> {
  const started = Date.now(); let ops = 0;
  const worker = async () => { while (Date.now() - started < ms) await op(ops++ % 100); };
  await Promise.all(Array.from({ length: 64 }, worker));
  return ops / (ms / 1000);
}
(async () => {
  const url = process.env.URL!;
  const ours = await createOurCache({ driver: 'redis', redis: { url }, namespace: 'ab', memoryCacheSize: 0, ...NO_COMPRESSION });
  const raw = new Redis(url);
  const reqs = Array.from({ length: 100 }, (_, i) => aiRequest(i));
  const resps = Array.from({ length: 100 }, (_, i) => aiResponse(i));
  for (let i = 0; i < 100; i++) { await ours.cache.cacheResponse(reqs[i], resps[i]); await raw.set('raw:' + i, JSON.stringify(resps[i]), 'PX', 7200000); }
  const mode = process.argv[2] ?? 'write';
  const ratios: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const a = mode === 'write' ? await run('ours', (i) => ours.cache.cacheResponse(reqs[i], resps[i])) : await run('ours', (i) => ours.cache.getCachedResponse(reqs[i]));
    const b = mode === 'write' ? await run('raw', (i) => raw.set('raw:' + i, JSON.stringify(resps[i]), 'PX', 7200000)) : await run('raw', async (i) => JSON.parse((await raw.get('raw:' + i))!));
    ratios.push(a / b);
    console.log(mode, 'ours', Math.round(a), 'raw', Math.round(b), (a / b).toFixed(2));
  }
  ratios.sort(); console.log('median', ratios[2].toFixed(2));
  await ours.app.close(); raw.disconnect(); process.exit(0);
})();
