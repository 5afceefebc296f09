/**
 * The Redis driver with L1 off (`memoryCacheSize: 0`: every read is a Redis round trip), against
 * raw ioredis (GET + JSON.parse of the same response: the floor any Redis cache sits on), the very
 * bytes we store read raw (the floor under our default, compressed row), and Nest's CACHE_MANAGER
 * with @keyv/redis (what a Nest user would use instead). Sequential and 64 in flight.
 * The sequential hit is also set against redis-benchmark -c 1: one bare round trip, no client library.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { HEADER_BYTES } from '../../libs/ai-cache/src/codec/envelope-header';
import type { BenchContext } from '../support/bench-context';
import { createNestRedisCacheManager, createOurCache, type OurCache } from '../support/contexts';
import { NO_COMPRESSION, aiRequest, aiResponse, naiveRequestKey } from '../support/fixtures';
import type { RepMeasurement } from '../support/measure';
import { runScenario, type Contender, type ScenarioResult } from '../support/scenario';

const TTL_SECONDS = 7200;
const IN_FLIGHT = 64;
const NAMESPACE = 'bench';

/** Default options plus `encryption`: compared with the default rows by the encryption target. */
const ENCRYPTED_HIT = 'nestjs-ai-cache getCachedResponse(), encrypted';
const ENCRYPTED_WRITE = 'nestjs-ai-cache cacheResponse(), encrypted';

const sha256Hex = (input: string) => createHash('sha256').update(input).digest('hex');

export async function redisDriverScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const { keys } = ctx.sizes;
  const l2Only = (namespace: string, extra = {}) =>
    createOurCache({ driver: 'redis', redis: { url: ctx.redis.url }, namespace, memoryCacheSize: 0, ...extra });
  const ours = await l2Only(NAMESPACE);
  const uncompressed = await l2Only(`${NAMESPACE}_raw`, NO_COMPRESSION);
  const lz4 = await l2Only(`${NAMESPACE}_lz4`, { compressionAlgorithm: 'lz4' });
  // Default options plus encryption at rest: the difference with the default rows is what AES-256-GCM adds.
  const encrypted = await l2Only(`${NAMESPACE}_enc`, { encryption: { keys: { bench: randomBytes(32) }, activeKeyId: 'bench' } });
  const nest = await createNestRedisCacheManager(ctx.redis.url);
  const raw = new Redis(ctx.redis.url);
  const all: OurCache[] = [ours, uncompressed, lz4, encrypted];
  try {
    const responses = Array.from({ length: keys }, (_, i) => aiResponse(i));
    const requests = Array.from({ length: keys }, (_, i) => aiRequest(i));
    const missing = Array.from({ length: keys }, (_, i) => aiRequest(i, 1));
    const rawKeys = responses.map((_, i) => `raw:response:${i}`);
    const floorKeys = responses.map((_, i) => `raw:floor:${i}`);
    const nestKeys = responses.map((_, i) => `nest:response:${i}`);
    const rawMissing = responses.map((_, i) => `raw:missing:${i}`);
    const nestMissing = responses.map((_, i) => `nest:missing:${i}`);
    // What a Nest user caching AI responses does: key the request themselves (as in the memory scenario).
    const nestRequestKeys = requests.map((request) => naiveRequestKey(request, sha256Hex));
    for (let i = 0; i < keys; i++) {
      for (const cache of all) await cache.cache.cacheResponse(requests[i], responses[i]);
      await raw.set(rawKeys[i], JSON.stringify(responses[i]), 'PX', TTL_SECONDS * 1000);
      await nest.cache.set(nestKeys[i], responses[i], TTL_SECONDS * 1000);
      await nest.cache.set(nestRequestKeys[i], responses[i], TTL_SECONDS * 1000);
    }
    const probe = await ours.cache.getCachedResponse(requests[0]);
    if (probe?.tier !== 'redis' || !probe.compressed) throw new Error(`redis scenario: expected a compressed L2 hit, got ${JSON.stringify(probe?.tier)}`);
    const sealedProbe = await raw.getBuffer(`${NAMESPACE}_enc:${encrypted.cache.buildKey(requests[0])}`);
    if (sealedProbe?.[6] !== 1 || !(await encrypted.cache.getCachedResponse(requests[0]))?.compressed) {
      throw new Error('redis scenario: expected the encrypted row to store sealed, compressed entries');
    }
    const ourRedisKeys = requests.map((request) => `${NAMESPACE}:${ours.cache.buildKey(request)}`);
    const ourBytes = await Promise.all(ourRedisKeys.map(async (key) => (await raw.getBuffer(key))!));
    // What our default write stores, minus everything but the compression: the envelope JSON, deflated.
    const envelopes = ourBytes.map((bytes) => inflateRawSync(bytes.subarray(HEADER_BYTES)));
    const storedBytes = ourBytes[0].length;

    const at = (i: number) => i % keys;
    const hitContenders = (): Contender[] => [
      { name: 'nestjs-ai-cache getCachedResponse()', kind: 'ours', op: (i) => ours.cache.getCachedResponse(requests[at(i)]) },
      {
        name: 'nestjs-ai-cache getCachedResponse(), compression off',
        kind: 'ours',
        op: (i) => uncompressed.cache.getCachedResponse(requests[at(i)]),
      },
      { name: 'nestjs-ai-cache getCachedResponse(), lz4', kind: 'ours', op: (i) => lz4.cache.getCachedResponse(requests[at(i)]) },
      { name: ENCRYPTED_HIT, kind: 'ours', op: (i) => encrypted.cache.getCachedResponse(requests[at(i)]) },
      {
        name: 'raw ioredis GET + JSON.parse',
        kind: 'baseline',
        op: async (i) => JSON.parse((await raw.get(rawKeys[at(i)])) as string) as unknown,
      },
      {
        // The floor under our default row: the very bytes it reads (deflated above compressionThreshold).
        name: 'raw ioredis GET + inflate + JSON.parse of our stored bytes',
        kind: 'baseline',
        op: async (i) => JSON.parse(inflateRawSync((await raw.getBuffer(ourRedisKeys[at(i)]))!.subarray(HEADER_BYTES)).toString()) as unknown,
      },
      { name: 'Nest CACHE_MANAGER + @keyv/redis', kind: 'peer', op: (i) => nest.cache.get(nestKeys[at(i)]) },
      {
        // Like for like with getCachedResponse: the key is derived from the request on every call.
        name: 'Nest CACHE_MANAGER + @keyv/redis, sha256(JSON) key',
        kind: 'peer',
        op: (i) => nest.cache.get(naiveRequestKey(requests[at(i)], sha256Hex)),
      },
    ];
    const writeContenders = (): Contender[] => [
      { name: 'nestjs-ai-cache cacheResponse()', kind: 'ours', op: (i) => ours.cache.cacheResponse(requests[at(i)], responses[at(i)]) },
      {
        name: 'nestjs-ai-cache cacheResponse(), compression off',
        kind: 'ours',
        op: (i) => uncompressed.cache.cacheResponse(requests[at(i)], responses[at(i)]),
      },
      { name: ENCRYPTED_WRITE, kind: 'ours', op: (i) => encrypted.cache.cacheResponse(requests[at(i)], responses[at(i)]) },
      {
        name: 'raw ioredis JSON.stringify + SET PX',
        kind: 'baseline',
        op: (i) => raw.set(rawKeys[at(i)], JSON.stringify(responses[at(i)]), 'PX', TTL_SECONDS * 1000),
      },
      {
        // The floor under our default write: deflating the same JSON (level 6) and one SET of it.
        name: 'raw ioredis deflate + SET of our stored bytes',
        kind: 'baseline',
        op: (i) => raw.set(floorKeys[at(i)], deflateRawSync(envelopes[at(i)], { level: 6 }), 'PX', TTL_SECONDS * 1000),
      },
      {
        name: 'Nest CACHE_MANAGER + @keyv/redis',
        kind: 'peer',
        op: (i) => nest.cache.set(nestKeys[at(i)], responses[at(i)], TTL_SECONDS * 1000),
      },
    ];
    const redisBenchmark: Contender = {
      name: `redis-benchmark -c 1 GET (${storedBytes} B)`,
      kind: 'baseline',
      rep: () => runRedisBenchmark(ctx, storedBytes),
    };

    const results: ScenarioResult[] = [];
    const scenario = async (id: string, title: string, concurrency: number, contenders: Contender[]) => {
      ctx.log(`redis: ${title}`);
      results.push(
        await runScenario(
          { id, group: 'redis driver (L1 off)', title, unit: 'ops/s', higherIsBetter: true, contenders, timing: { concurrency } },
          ctx.reps,
          ctx.repMsScale,
        ),
      );
    };
    await scenario('redis.hit.sequential', 'L2 hit, sequential', 1, [...hitContenders(), redisBenchmark]);
    await scenario('redis.hit.64', `L2 hit, ${IN_FLIGHT} in flight`, IN_FLIGHT, hitContenders());
    await scenario('redis.write.sequential', 'cacheResponse / set, sequential', 1, writeContenders());
    await scenario('redis.write.64', `cacheResponse / set, ${IN_FLIGHT} in flight`, IN_FLIGHT, writeContenders());
    await scenario('redis.miss.sequential', 'miss (what a miss adds before compute starts), sequential', 1, [
      { name: 'nestjs-ai-cache getCachedResponse()', kind: 'ours', op: (i) => ours.cache.getCachedResponse(missing[at(i)]) },
      { name: 'raw ioredis GET (nil)', kind: 'baseline', op: (i) => raw.get(rawMissing[at(i)]) },
      { name: 'Nest CACHE_MANAGER + @keyv/redis', kind: 'peer', op: (i) => nest.cache.get(nestMissing[at(i)]) },
    ]);
    return results;
  } finally {
    for (const cache of all) await cache.app.close();
    await nest.app.close();
    raw.disconnect();
  }
}

/** One redis-benchmark run (one connection, one request at a time) of GETs of `bytes`-byte values. */
function runRedisBenchmark(ctx: BenchContext, bytes: number): Promise<RepMeasurement> {
  const args = [
    '-h', ctx.redis.host,
    '-p', String(ctx.redis.port),
    '-c', '1',
    '-n', String(ctx.sizes.redisBenchmarkRequests),
    '-d', String(bytes),
    '-t', 'set,get',
    '--csv',
  ];
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`redis-benchmark failed: ${stderr || error.message}`));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const row = stdout.split(/\r?\n/).find((line) => line.startsWith('"GET"'));
      const cells = row?.split(',').map((cell) => Number(cell.replace(/"/g, '')));
      if (!cells || cells.length < 7 || !Number.isFinite(cells[1])) return reject(new Error(`redis-benchmark: unexpected output ${stdout}`));
      resolve({ value: cells[1], p50Us: cells[4] * 1000, p99Us: cells[6] * 1000 });
    });
  });
}
