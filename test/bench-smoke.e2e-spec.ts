/**
 * The benchmark runs end to end on tiny sizes: every scenario produces figures of the right shape,
 * the targets are evaluated, and the redis-server it started is gone afterwards. Nothing here is
 * timed: speed is the benchmark's business (`npm run bench`), not the test suite's.
 */
import { MIN_REPS, runBenchmark } from '../bench/benchmark';
import { renderMarkdown, renderText, type BenchReport } from '../bench/support/report';
import { runningRedisPids } from './support/redis-harness';

describe('npm run bench (smoke: tiny sizes)', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBenchmark({ smoke: true, command: 'bench smoke test' });
  }, 180_000);

  it('runs every scenario of the issue, none failing', () => {
    const ids = report.scenarios.map((scenario) => scenario.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'memory.get',
        'memory.getCachedResponse',
        'redis.hit.sequential',
        'redis.hit.64',
        'redis.write.sequential',
        'redis.write.64',
        'redis.miss.sequential',
        'redis.l1.hit',
        'codecs.encode.1024',
        'codecs.decode.2048',
        'codecs.decode.16384',
        'keys.build.1024',
        'compression.compress.10240',
        'compression.decompress.10240',
        'monitor.record',
        'coalescing.misses',
        'memory.bytesPerEntry',
        'decorator.hit',
        'semantic.lookup.1000',
        'semantic.crossover',
        'semantic.bytesPerVector',
        'fleet.misses',
        'fleet.miss.sequential',
        ...['openai', 'langchain', 'ai-sdk'].flatMap((adapter) => [`adapters.${adapter}.hit`, `adapters.${adapter}.hit.redis`]),
      ]),
    );
    for (const scenario of report.scenarios) {
      // The decorator scenario may only be pending (not exported yet), never in error.
      expect({ id: scenario.id, status: scenario.status }).toEqual({
        id: scenario.id,
        status: scenario.id === 'decorator.hit' && scenario.status === 'pending' ? 'pending' : 'ok',
      });
    }
  });

  it('reports, for every contender, a finite positive median of at least 5 interleaved repetitions with min ≤ median ≤ max', () => {
    for (const scenario of report.scenarios.filter((s) => s.status === 'ok')) {
      expect(scenario.results.length).toBeGreaterThanOrEqual(scenario.id === 'monitor.read' ? 1 : 2);
      expect(scenario.results.filter((result) => result.kind === 'ours').length).toBeGreaterThanOrEqual(1);
      for (const result of scenario.results) {
        const { median, min, max, reps } = result.figure;
        const where = `${scenario.id} / ${result.name}`;
        expect({ where, reps: reps.length }).toEqual({ where, reps: MIN_REPS });
        expect({ where, finite: reps.every(Number.isFinite) }).toEqual({ where, finite: true });
        if (scenario.unit !== 'B/entry') expect({ where, positive: min > 0 }).toEqual({ where, positive: true });
        expect(min).toBeLessThanOrEqual(median);
        expect(median).toBeLessThanOrEqual(max);
      }
    }
  });

  it('measures p50 and p99 latencies for every timed contender', () => {
    const timed = report.scenarios.filter((s) => s.status === 'ok' && (s.unit === 'ops/s' || s.unit === 'MB/s'));
    for (const result of timed.flatMap((scenario) => scenario.results)) {
      expect(Number.isFinite(result.p50Us)).toBe(true);
      expect(result.p99Us).toBeGreaterThanOrEqual(result.p50Us as number);
    }
  });

  it('computes exactly once for 1000 concurrent identical misses, on both drivers, in every repetition', () => {
    const stampede = report.scenarios.find((s) => s.id === 'coalescing.misses');
    const ours = stampede?.results.filter((result) => result.kind === 'ours') ?? [];
    expect(ours.map((result) => result.name)).toEqual([
      'nestjs-ai-cache getOrCompute(), memory',
      'nestjs-ai-cache getOrCompute(), redis L1 off',
    ]);
    for (const result of ours) expect(result.figure.reps).toEqual([1, 1, 1, 1, 1]);
  });

  it('evaluates every target of the issue, with a verdict', () => {
    const ids = report.targets.map((target) => target.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'memory-get-vs-cacheable',
        'redis-hit-64-uncompressed-vs-raw',
        'redis-hit-64-uncompressed-vs-nest',
        'redis-hit-64-default-vs-floor',
        'redis-hit-64-lz4-vs-raw',
        'redis-hit-64-encryption-cost',
        'redis-hit-sequential-uncompressed-vs-raw',
        'redis-write-64-uncompressed-vs-raw',
        'redis-write-64-default-vs-floor',
        'redis-l1-hit-vs-memory-driver',
        'decorator-vs-direct',
        'key-1mb-vs-sha256',
        'bytes-per-entry-vs-lru-objects',
        'semantic-lookup-10k-p50',
        'fleet-single-flight',
        'fleet-lease-miss-cost',
        ...['openai', 'langchain', 'ai-sdk'].flatMap((adapter) => [`adapter-${adapter}-hit-vs-direct`, `adapter-${adapter}-hit-redis-vs-direct`]),
      ]),
    );
    for (const target of report.targets) expect(['PASS', 'FAIL', 'pending']).toContain(target.verdict);
    // Every Redis target found both of its rows: none is pending in a run of every scenario.
    expect(report.targets.filter((t) => t.id.startsWith('redis-') && t.verdict === 'pending')).toEqual([]);
    // Sizes differ in smoke runs (no 1 MB text): that target has nothing to compare and says so.
    expect(report.targets.find((t) => t.id === 'key-1mb-vs-sha256')?.verdict).toBe('pending');
    expect(report.targets.filter((t) => t.id.startsWith('single-flight:')).map((t) => t.verdict)).toEqual(['PASS', 'PASS']);
    // Exactly one model call for the whole fleet, in every repetition.
    expect(report.targets.find((t) => t.id === 'fleet-single-flight')?.verdict).toBe('PASS');
    expect(report.scenarios.find((s) => s.id === 'fleet.misses')?.results.find((r) => r.kind === 'ours')?.figure.reps).toEqual([1, 1, 1, 1, 1]);
  });

  it('renders a table with a ratio column and a PASS/FAIL column, as text and as markdown', () => {
    const text = renderText(report);
    expect(text).toMatch(/Ours ÷ this/);
    expect(text).toMatch(/Result/);
    expect(text).toMatch(/\d+\.\d\d×/);
    expect(text).toMatch(/\b(PASS|FAIL)\b/);
    const markdown = renderMarkdown(report);
    expect(markdown.split('\n').filter((line) => line.startsWith('| ')).length).toBeGreaterThan(report.scenarios.length);
    expect(markdown).toContain('|---|');
  });

  it('stops the redis-server it started', () => {
    expect(runningRedisPids()).toEqual([]);
  });
});
