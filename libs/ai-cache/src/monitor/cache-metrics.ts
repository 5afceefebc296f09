import type { CacheTier } from '../stores/cache-store.interface';
import { LATENCY_BUCKET_LABELS } from './latency-buckets';
import type { CacheMonitorCounters, CacheOperationKind, MemoryUsageSample, OperationTier, TokenUsage } from './monitor.types';

/** Every metric name starts with this (Prometheus' `<namespace>_` convention). */
export const CACHE_METRIC_PREFIX = 'ai_cache_';

export type CacheMetricType = 'counter' | 'gauge' | 'histogram';

export interface CacheMetricSample {
  labels: Readonly<Record<string, string>>;
  value: number;
  /** For a histogram's series: `_bucket` (with an `le` label), `_sum` or `_count`, appended to the family name. */
  suffix?: '_bucket' | '_sum' | '_count';
}

/**
 * One metric and its current samples: the one model behind `toPrometheus()` and the prom-client
 * registration, so both always expose the same names, labels and values.
 */
export interface CacheMetricFamily {
  name: string;
  help: string;
  type: CacheMetricType;
  labelNames: readonly string[];
  samples: CacheMetricSample[];
}

/** Running totals since start or `reset()`: what counters are made of. */
export interface CacheMonitorTotals {
  hits: number;
  misses: number;
  /** Lookups per operation: hits per answering tier, and misses. */
  lookups: Record<string, { memoryHits: number; redisHits: number; misses: number }>;
  /**
   * Timed store operations per kind, operation and tier: how many, their summed milliseconds, and
   * how many fell in each latency bucket (LATENCY_BUCKET_LABELS, not cumulative; the last slot is
   * beyond the largest bound).
   */
  operations: Array<{ kind: CacheOperationKind; operation: string; tier: OperationTier; count: number; totalMs: number; buckets: number[] }>;
  counters: CacheMonitorCounters;
  invalidations: { invalidations: number; keysInvalidated: number; byType: Record<string, number> };
  compression: { operations: number; originalBytes: number; compressedBytes: number; durationMs: number };
  /** Model time not spent thanks to hits (the compute time stored with each entry). */
  timeSavedMs: number;
  /** Tokens not spent thanks to hits on responses that carry token usage. */
  tokensSaved: TokenUsage;
}

/** What the families are computed from (one reading of the monitor). */
export interface CacheMetricsInput {
  /** The `cache` label of every sample (the monitor's namespace). */
  cache: string;
  totals: CacheMonitorTotals;
  /** Percentiles in milliseconds over the retained samples, per kind, operation and tier. */
  latency: Array<{ kind: CacheOperationKind; operation: string; tier: OperationTier; p50: number; p95: number; p99: number }>;
  memory?: MemoryUsageSample;
  degraded: boolean;
  /** Percent. */
  hitRatio: number;
  /** The tiers a hit can come from with this driver; a miss is labelled with the last one (it missed them all). */
  tiers: readonly CacheTier[];
}

interface Definition {
  name: string;
  type: CacheMetricType;
  help: string;
  labelNames: readonly string[];
  read(input: CacheMetricsInput): CacheMetricSample[];
}

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

const single = (value: number): CacheMetricSample[] => [{ labels: {}, value }];
const seconds = (ms: number) => ms / 1000;

const DEFINITIONS: readonly Definition[] = [
  {
    name: 'hits_total',
    type: 'counter',
    help: 'Cache lookups answered from the cache, by operation and by the tier that answered.',
    labelNames: ['operation', 'tier'],
    read: ({ totals, tiers }) =>
      Object.entries(totals.lookups).flatMap(([operation, c]) =>
        tiers.map((tier) => ({ labels: { operation, tier }, value: tier === 'memory' ? c.memoryHits : c.redisHits })),
      ),
  },
  {
    name: 'misses_total',
    type: 'counter',
    help: 'Cache lookups that found nothing, by operation; tier is the last tier consulted.',
    labelNames: ['operation', 'tier'],
    read: ({ totals, tiers }) =>
      Object.entries(totals.lookups).map(([operation, c]) => ({ labels: { operation, tier: tiers[tiers.length - 1] }, value: c.misses })),
  },
  {
    name: 'hit_ratio',
    type: 'gauge',
    help: 'Fraction (0-1) of lookups that hit, since start or reset. Writes never count.',
    labelNames: [],
    read: ({ hitRatio }) => single(hitRatio / 100),
  },
  {
    name: 'operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of cache store operations by kind (get, set, delete), operation and tier (miss for a get that found nothing), since start or reset.',
    labelNames: ['kind', 'operation', 'tier'],
    read: ({ totals }) => totals.operations.flatMap(histogramSamples),
  },
  {
    name: 'operation_latency_seconds',
    type: 'gauge',
    help: 'Latency quantiles (nearest rank) of cache store operations over the retention window, by kind, operation and tier.',
    labelNames: ['kind', 'operation', 'tier', 'quantile'],
    read: ({ latency }) =>
      latency.flatMap(({ kind, operation, tier, ...values }) =>
        QUANTILES.map(([quantile, key]) => ({ labels: { kind, operation, tier, quantile }, value: seconds(values[key]) })),
      ),
  },
  {
    name: 'errors_total',
    type: 'counter',
    help: 'Errors the cache absorbed: source=cache (seen by the cache service), source=redis (Redis commands the fail-open store absorbed).',
    labelNames: ['source'],
    read: ({ totals }) => [
      { labels: { source: 'cache' }, value: totals.counters.errors },
      { labels: { source: 'redis' }, value: totals.counters.redisErrors },
    ],
  },
  { name: 'evictions_total', type: 'counter', help: 'Entries the in-process tier dropped on its own: pushed out by its entry or byte bound, or expired (never deletes or invalidations).', labelNames: [], read: ({ totals }) => single(totals.counters.evictions) },
  { name: 'coalesced_waits_total', type: 'counter', help: 'Misses that waited for an identical computation already in flight instead of calling the model.', labelNames: [], read: ({ totals }) => single(totals.counters.coalescedWaits) },
  { name: 'degraded_operations_total', type: 'counter', help: 'Redis commands not sent because the circuit breaker was open: served by memory alone.', labelNames: [], read: ({ totals }) => single(totals.counters.degradedOperations) },
  { name: 'degraded', type: 'gauge', help: '1 while Redis is failing and the in-process tier serves alone, else 0.', labelNames: [], read: ({ degraded }) => single(degraded ? 1 : 0) },
  { name: 'corrupted_entries_total', type: 'counter', help: 'Stored values that failed to decode (corrupted or foreign): served as misses and removed.', labelNames: [], read: ({ totals }) => single(totals.counters.corruptedEntries) },
  { name: 'decrypt_failures_total', type: 'counter', help: 'Encrypted values read from Redis that did not decrypt (unknown key id or failed tag): served as misses and removed.', labelNames: [], read: ({ totals }) => single(totals.counters.decryptFailures) },
  { name: 'oversize_skipped_total', type: 'counter', help: 'Responses not cached because their encoded size exceeded maxEntryBytes.', labelNames: [], read: ({ totals }) => single(totals.counters.oversizeSkipped) },
  { name: 'computations_total', type: 'counter', help: 'Model computations run by getOrCompute on a miss.', labelNames: [], read: ({ totals }) => single(totals.counters.computations) },
  { name: 'fleet_waits_total', type: 'counter', help: 'Misses that waited for another instance of the fleet to compute the entry (fleet-wide single flight).', labelNames: [], read: ({ totals }) => single(totals.counters.fleetWaits) },
  { name: 'lease_takeovers_total', type: 'counter', help: 'Leases taken over from a holder that vanished without a result.', labelNames: [], read: ({ totals }) => single(totals.counters.leaseTakeovers) },
  { name: 'failure_markers_total', type: 'counter', help: 'Computations that failed while holding the lease, marked so that waiters retry one at a time.', labelNames: [], read: ({ totals }) => single(totals.counters.failureMarkers) },
  { name: 'stale_answers_total', type: 'counter', help: 'Answers served stale, inside an entry\'s stale-while-revalidate window.', labelNames: [], read: ({ totals }) => single(totals.counters.staleAnswers) },
  { name: 'background_refreshes_total', type: 'counter', help: 'Entries refreshed in the background (stale-while-revalidate, refresh-ahead).', labelNames: [], read: ({ totals }) => single(totals.counters.backgroundRefreshes) },
  { name: 'background_refresh_failures_total', type: 'counter', help: 'Background refreshes whose computation failed (the entry in place is served until its time ends).', labelNames: [], read: ({ totals }) => single(totals.counters.backgroundRefreshFailures) },
  { name: 'compute_seconds_saved_total', type: 'counter', help: 'Model compute time saved by hits (the compute time stored with each entry).', labelNames: [], read: ({ totals }) => single(seconds(totals.timeSavedMs)) },
  { name: 'tokens_saved_total', type: 'counter', help: 'Total tokens saved by hits on responses that carry token usage.', labelNames: [], read: ({ totals }) => single(totals.tokensSaved.totalTokens) },
  { name: 'prompt_tokens_saved_total', type: 'counter', help: 'Prompt (input) tokens saved by hits on responses that carry token usage.', labelNames: [], read: ({ totals }) => single(totals.tokensSaved.promptTokens) },
  { name: 'completion_tokens_saved_total', type: 'counter', help: 'Completion (output) tokens saved by hits on responses that carry token usage.', labelNames: [], read: ({ totals }) => single(totals.tokensSaved.completionTokens) },
  {
    name: 'invalidations_total',
    type: 'counter',
    help: 'Invalidation calls by type (operation, pattern, all, key).',
    labelNames: ['type'],
    read: ({ totals }) => Object.entries(totals.invalidations.byType).map(([type, value]) => ({ labels: { type }, value })),
  },
  { name: 'invalidated_keys_total', type: 'counter', help: 'Distinct entries removed by invalidations.', labelNames: [], read: ({ totals }) => single(totals.invalidations.keysInvalidated) },
  { name: 'compressions_total', type: 'counter', help: 'Values compressed before storing.', labelNames: [], read: ({ totals }) => single(totals.compression.operations) },
  {
    name: 'compression_saved_bytes_total',
    type: 'counter',
    help: 'Bytes saved by compression (original minus compressed).',
    labelNames: [],
    read: ({ totals }) => single(Math.max(0, totals.compression.originalBytes - totals.compression.compressedBytes)),
  },
  { name: 'memory_tier_bytes', type: 'gauge', help: 'Bytes of encoded keys and values in the in-process tier, at the last memory reading.', labelNames: [], read: ({ memory }) => single(memory?.memoryCacheBytes ?? 0) },
  { name: 'memory_tier_entries', type: 'gauge', help: 'Entries in the in-process tier, at the last memory reading.', labelNames: [], read: ({ memory }) => single(memory?.memoryCacheEntries ?? 0) },
  { name: 'redis_used_memory_bytes', type: 'gauge', help: 'Redis used_memory (the whole server) at the last memory reading; 0 without Redis or when it did not answer.', labelNames: [], read: ({ memory }) => single(memory?.redisMemoryBytes ?? 0) },
  { name: 'redis_keys', type: 'gauge', help: "Keys of this cache's namespace in Redis at the last memory reading; 0 without Redis or when it did not answer.", labelNames: [], read: ({ memory }) => single(memory?.redisKeys ?? 0) },
];

/**
 * A histogram's cumulative `_bucket` series (`le` per bound, then `+Inf`), `_sum` in seconds and
 * `_count`, as Prometheus expects them: rates and quantiles can then be aggregated across instances.
 */
function histogramSamples(total: CacheMonitorTotals['operations'][number]): CacheMetricSample[] {
  const { kind, operation, tier, buckets } = total;
  const samples: CacheMetricSample[] = [];
  let cumulative = 0;
  for (let i = 0; i < LATENCY_BUCKET_LABELS.length; i++) {
    cumulative += buckets[i] ?? 0;
    samples.push({ labels: { kind, operation, tier, le: LATENCY_BUCKET_LABELS[i] }, value: cumulative, suffix: '_bucket' });
  }
  samples.push(
    { labels: { kind, operation, tier, le: '+Inf' }, value: total.count, suffix: '_bucket' },
    { labels: { kind, operation, tier }, value: seconds(total.totalMs), suffix: '_sum' },
    { labels: { kind, operation, tier }, value: total.count, suffix: '_count' },
  );
  return samples;
}

/**
 * Names, types, help and label names of every cache metric (what a registry needs before any
 * value). Every metric carries a `cache` label first: the namespace of the CacheModule it
 * measures, so the metrics of several CacheModules in one process can share one registry.
 */
export const CACHE_METRIC_DEFINITIONS: ReadonlyArray<Omit<CacheMetricFamily, 'samples'>> = DEFINITIONS.map(({ name, type, help, labelNames }) => ({
  name: CACHE_METRIC_PREFIX + name,
  type,
  help,
  labelNames: ['cache', ...labelNames],
}));

export function buildCacheMetricFamilies(input: CacheMetricsInput): CacheMetricFamily[] {
  return DEFINITIONS.map((definition, i) => ({
    ...CACHE_METRIC_DEFINITIONS[i],
    samples: definition.read(input).map((sample) => ({ ...sample, labels: { cache: input.cache, ...sample.labels } })),
  }));
}
