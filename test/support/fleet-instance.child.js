/**
 * One app instance of a fleet, in its own OS process: a Nest application context with CacheModule
 * (the compiled library at AI_CACHE_DIST, options from AI_CACHE_OPTIONS), driven by the parent test
 * over IPC. Every model call it makes is reported to the parent as it starts, so the parent counts
 * model calls across the fleet and knows which process is computing (to SIGKILL it).
 *
 * Messages in: { cmd: 'burst', id, n, request, computeMs, failFirstOf?, callOptions? } runs n concurrent
 * identical getOrCompute calls; { cmd: 'lookup', id, request } a getCachedResponse; { cmd: 'stats', id };
 * { cmd: 'close' }. Messages out: { event: 'ready' }, { event: 'compute', pid }, { event: 'result', id, ... }.
 */
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Redis } = require('ioredis');
const lib = require(`${process.env.AI_CACHE_DIST}/index.js`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const options = JSON.parse(process.env.AI_CACHE_OPTIONS);
  const app = await NestFactory.createApplicationContext(lib.CacheModule.forRoot(options), { logger: false });
  await app.init();
  const cache = app.get(lib.AIResponseCacheService);
  const monitor = app.get(lib.CacheMonitorService);
  // A client of the test's own, outside the namespace: decides fleet-wide which call fails first.
  const counter = new Redis(options.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });

  const model = (message) => async () => {
    process.send({ event: 'compute', pid: process.pid });
    if (message.failFirstOf) {
      const call = await counter.incr(message.failFirstOf);
      await sleep(message.computeMs);
      if (call === 1) throw new Error('model down');
    } else {
      await sleep(message.computeMs);
    }
    return { answer: message.answer ?? 'the answer', by: process.pid, at: Date.now() };
  };

  process.on('message', async (message) => {
    try {
      if (message.cmd === 'burst') {
        const started = Date.now();
        const settled = await Promise.allSettled(
          Array.from({ length: message.n }, async () => {
            const callStarted = Date.now();
            const outcome = await cache.getOrComputeWithStatus(message.request, model(message), message.callOptions ?? {});
            return { value: outcome.value, status: outcome.status, ms: Date.now() - callStarted };
          }),
        );
        process.send({
          event: 'result',
          id: message.id,
          ms: Date.now() - started,
          results: settled.map((outcome) =>
            outcome.status === 'fulfilled'
              ? { ok: true, value: outcome.value.value, status: outcome.value.status, ms: outcome.value.ms }
              : { ok: false, error: String(outcome.reason && outcome.reason.message) },
          ),
        });
      } else if (message.cmd === 'lookup') {
        const started = Date.now();
        const hit = await cache.getCachedResponse(message.request);
        process.send({ event: 'result', id: message.id, hit: hit ?? null, ms: Date.now() - started });
      } else if (message.cmd === 'stats') {
        process.send({ event: 'result', id: message.id, stats: monitor.getPerformanceStats(), prometheus: monitor.toPrometheus() });
      } else if (message.cmd === 'close') {
        counter.disconnect();
        await app.close();
        process.exit(0);
      }
    } catch (error) {
      process.send({ event: 'result', id: message.id, error: String(error && error.stack) });
    }
  });
  process.send({ event: 'ready' });
}

main().catch((error) => {
  process.send?.({ event: 'fatal', error: String(error && error.stack) });
  process.exit(1);
});
