/**
 * The targets of issue #6, as ratios within the same run. Each one names the scenario and the two
 * contenders it compares; a target whose scenario did not run is 'pending', never a silent PASS.
 */
import type { ContenderResult, ScenarioResult } from './scenario';

export type Verdict = 'PASS' | 'FAIL' | 'pending';

export interface TargetResult {
  id: string;
  description: string;
  /** e.g. `≥ 2×`. */
  needed: string;
  /** e.g. `2.41×`, or the count for exact targets. */
  measured: string;
  verdict: Verdict;
  scenarioId: string;
  /** The contender of the scenario the target is about (the row that carries the verdict). */
  against: string;
}

interface TargetSpec {
  id: string;
  description: string;
  scenarioId: string;
  /** Name prefix of the compared contender (the row that carries the verdict). */
  against: string;
  needed: string;
  evaluate(ours: ContenderResult, other: ContenderResult): { measured: string; pass: boolean };
}

const times = (value: number) => `${value.toFixed(2)}×`;

/** ours ÷ other on the median figures (throughput: higher is better). */
const atLeast = (threshold: number) => (ours: ContenderResult, other: ContenderResult) => {
  const ratio = ours.figure.median / other.figure.median;
  return { measured: times(ratio), pass: ratio >= threshold };
};

/** ours ÷ other on the median figures (costs: lower is better). */
const atMost = (threshold: number) => (ours: ContenderResult, other: ContenderResult) => {
  const ratio = ours.figure.median / other.figure.median;
  return { measured: times(ratio), pass: ratio <= threshold };
};

export const TARGETS: TargetSpec[] = [
  {
    id: 'memory-get-vs-cacheable',
    description: 'memory get ≥ 2× cacheable LRU with copies',
    scenarioId: 'memory.get',
    against: 'cache-manager 7 + cacheable LRU',
    needed: '≥ 2×',
    evaluate: atLeast(2),
  },
  {
    id: 'redis-hit-64-vs-raw',
    description: 'Redis hit, 64 in flight ≥ 0.8× raw ioredis GET + JSON.parse',
    scenarioId: 'redis.hit.64',
    against: 'raw ioredis GET + JSON.parse',
    needed: '≥ 0.8×',
    evaluate: atLeast(0.8),
  },
  {
    id: 'redis-hit-64-vs-nest',
    description: 'Redis hit, 64 in flight ≥ 1.5× Nest CACHE_MANAGER + @keyv/redis',
    scenarioId: 'redis.hit.64',
    against: 'Nest CACHE_MANAGER + @keyv/redis',
    needed: '≥ 1.5×',
    evaluate: atLeast(1.5),
  },
  {
    id: 'redis-hit-sequential-vs-round-trip',
    description: 'sequential Redis hit p50 ≤ 2× one redis-benchmark -c 1 round trip (p50)',
    scenarioId: 'redis.hit.sequential',
    against: 'redis-benchmark',
    needed: 'p50 ≤ 2×',
    evaluate: (ours, other) => {
      const ratio = (ours.p50Us ?? Number.NaN) / (other.p50Us ?? Number.NaN);
      return { measured: `${times(ratio)} (${fmt(ours.p50Us)} vs ${fmt(other.p50Us)} µs)`, pass: ratio <= 2 };
    },
  },
  {
    id: 'decorator-vs-direct',
    description: 'decorator hit ≥ 0.9× direct getOrCompute',
    scenarioId: 'decorator.hit',
    against: 'direct getOrCompute()',
    needed: '≥ 0.9×',
    evaluate: atLeast(0.9),
  },
  {
    id: 'key-1mb-vs-sha256',
    description: '1 MB key build ≥ 0.9× raw SHA-256',
    scenarioId: 'keys.build.1048576',
    against: 'raw SHA-256 of the text',
    needed: '≥ 0.9×',
    evaluate: atLeast(0.9),
  },
  {
    id: 'bytes-per-entry-vs-lru-objects',
    description: 'bytes per entry ≤ 1.3× lru-cache with ttl (holding the objects)',
    scenarioId: 'memory.bytesPerEntry',
    against: 'lru-cache (ttl) holding the objects',
    needed: '≤ 1.3×',
    evaluate: atMost(1.3),
  },
  {
    id: 'bytes-per-entry-vs-lru-bytes',
    description: 'bytes per entry ≤ 1.3× lru-cache with ttl (holding the same bytes)',
    scenarioId: 'memory.bytesPerEntry',
    against: 'lru-cache (ttl) holding our encoded bytes',
    needed: '≤ 1.3×',
    evaluate: atMost(1.3),
  },
  {
    id: 'semantic-lookup-10k-p50',
    description: 'semantic lookup among 10k vectors per scope (384 dims): best index p50 ≤ 1 ms',
    scenarioId: 'semantic.lookup.10000',
    // `ours` is the scenario's first row (SIMD brute force); this is the HNSW row: the best of the two counts.
    against: 'nestjs-ai-cache HnswVectorIndex',
    needed: 'p50 ≤ 1000 µs',
    evaluate: (ours, other) => {
      const best = (ours.p50Us ?? Infinity) <= (other.p50Us ?? Infinity) ? ours : other;
      return { measured: `${fmt(best.p50Us)} µs (${best.name.replace('nestjs-ai-cache ', '')})`, pass: (best.p50Us ?? Infinity) <= 1000 };
    },
  },
];

/** Exact targets on our own rows: every repetition of every one of our contenders must compute once. */
const EXACT_ONE_COMPUTE = { id: 'single-flight', description: '1000 concurrent identical misses → exactly 1 compute', scenarioId: 'coalescing.misses' };

export function evaluateTargets(scenarios: ScenarioResult[]): TargetResult[] {
  const byId = new Map(scenarios.map((scenario) => [scenario.id, scenario]));
  const results: TargetResult[] = TARGETS.map((target) => {
    const base = { id: target.id, description: target.description, needed: target.needed, scenarioId: target.scenarioId, against: target.against };
    const scenario = byId.get(target.scenarioId);
    const ours = scenario?.results.find((result) => result.kind === 'ours');
    const other = scenario?.results.find((result) => result.name.startsWith(target.against));
    if (!scenario || scenario.status !== 'ok' || !ours || !other) {
      return { ...base, measured: scenario?.reason ?? 'not run', verdict: 'pending' as const };
    }
    const { measured, pass } = target.evaluate(ours, other);
    return { ...base, measured, verdict: pass ? ('PASS' as const) : ('FAIL' as const) };
  });

  const stampede = byId.get(EXACT_ONE_COMPUTE.scenarioId);
  for (const ours of stampede?.results.filter((result) => result.kind === 'ours') ?? []) {
    const { min, max } = ours.figure;
    results.push({
      id: `${EXACT_ONE_COMPUTE.id}:${ours.name}`,
      description: `${EXACT_ONE_COMPUTE.description} (${ours.name.replace('nestjs-ai-cache ', '')})`,
      needed: '= 1',
      measured: min === max ? String(min) : `${min}–${max}`,
      verdict: min === 1 && max === 1 ? 'PASS' : 'FAIL',
      scenarioId: EXACT_ONE_COMPUTE.scenarioId,
      against: ours.name,
    });
  }
  if (!stampede || stampede.status !== 'ok') {
    results.push({ ...EXACT_ONE_COMPUTE, needed: '= 1', measured: 'not run', verdict: 'pending', against: '' });
  }
  return results;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '?' : value.toFixed(0);
}
