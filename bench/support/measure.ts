/**
 * Timing primitives. Every scenario is a set of contenders doing the same work; each repetition runs
 * every contender once, in a rotated order (interleaved), so that a noisy neighbour, a GC or a CPU
 * frequency change hits all contenders alike instead of skewing one of them.
 */
import { performance } from 'node:perf_hooks';
import { collectGarbage } from './gc';
import { percentile } from './stats';

/** One operation of a contender; `i` counts operations (use it to cycle through keys). */
export type Operation = (i: number) => unknown;

/** What one repetition of one contender measured. */
export interface RepMeasurement {
  /** Operations per second (or, for a custom measurement, the contender's main figure). */
  value: number;
  /** Latency samples in microseconds (a bounded subsample of the repetition's operations). */
  latenciesUs?: number[];
  /** Percentiles a self-measuring contender reports instead of samples (e.g. redis-benchmark's). */
  p50Us?: number;
  p99Us?: number;
}

export interface TimingOptions {
  /** 1: sequential; n: n operations in flight at once. */
  concurrency: number;
  /** The operation is synchronous: time `batch` calls per sample, without awaiting. */
  sync: boolean;
  /** Sync only: calls per latency sample (per-call timing would mostly measure the clock). */
  batch: number;
  /** Target wall time of one repetition, in milliseconds (the operation count is calibrated to it). */
  repMs: number;
  /** Warm-up and calibration time, in milliseconds. */
  calibrationMs: number;
}

const MAX_SAMPLES_PER_REP = 20_000;

/**
 * Runs `op` for a short while and returns how many operations fit in `repMs`: warms the code up
 * (JIT, connection, caches) and sizes every later repetition to the contender's speed.
 */
export async function calibrate(op: Operation, options: TimingOptions): Promise<number> {
  let ops = options.sync ? options.batch : Math.max(1, options.concurrency);
  for (;;) {
    const started = performance.now();
    await timeOperations(op, ops, options, 0);
    const elapsed = performance.now() - started;
    if (elapsed >= options.calibrationMs || ops >= 50_000_000) {
      const perMs = ops / Math.max(elapsed, 1e-3);
      const sized = Math.max(1, Math.round(perMs * options.repMs));
      return options.sync ? Math.max(options.batch, Math.ceil(sized / options.batch) * options.batch) : sized;
    }
    ops *= 4;
  }
}

/** One timed repetition of `ops` operations. */
export async function measureRep(op: Operation, ops: number, options: TimingOptions, offset: number): Promise<RepMeasurement> {
  collectGarbage();
  return timeOperations(op, ops, options, offset);
}

async function timeOperations(op: Operation, ops: number, options: TimingOptions, offset: number): Promise<RepMeasurement> {
  if (options.sync) return timeSync(op, ops, options.batch, offset);
  if (options.concurrency <= 1) return timeSequential(op, ops, offset);
  return timeConcurrent(op, ops, options.concurrency, offset);
}

function timeSync(op: Operation, ops: number, batch: number, offset: number): RepMeasurement {
  const batches = Math.max(1, Math.floor(ops / batch));
  const stride = Math.max(1, Math.floor(batches / MAX_SAMPLES_PER_REP));
  const latenciesUs: number[] = [];
  let i = offset;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const batchStarted = performance.now();
    for (let k = 0; k < batch; k++) op(i++);
    if (b % stride === 0) latenciesUs.push(((performance.now() - batchStarted) * 1000) / batch);
  }
  const elapsedMs = performance.now() - started;
  return { value: (batches * batch) / (elapsedMs / 1000), latenciesUs };
}

async function timeSequential(op: Operation, ops: number, offset: number): Promise<RepMeasurement> {
  const stride = Math.max(1, Math.floor(ops / MAX_SAMPLES_PER_REP));
  const latenciesUs: number[] = [];
  const started = performance.now();
  for (let n = 0; n < ops; n++) {
    const opStarted = performance.now();
    await op(offset + n);
    if (n % stride === 0) latenciesUs.push((performance.now() - opStarted) * 1000);
  }
  const elapsedMs = performance.now() - started;
  return { value: ops / (elapsedMs / 1000), latenciesUs };
}

/** `concurrency` workers pull operations from one counter: a closed loop with that many requests in flight. */
async function timeConcurrent(op: Operation, ops: number, concurrency: number, offset: number): Promise<RepMeasurement> {
  const stride = Math.max(1, Math.floor(ops / MAX_SAMPLES_PER_REP));
  const latenciesUs: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ops) {
      const n = next++;
      const opStarted = performance.now();
      await op(offset + n);
      if (n % stride === 0) latenciesUs.push((performance.now() - opStarted) * 1000);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
  const elapsedMs = performance.now() - started;
  return { value: ops / (elapsedMs / 1000), latenciesUs };
}

/** p50/p99 over the samples of every repetition. */
export function latencyPercentiles(samples: number[]): { p50Us: number; p99Us: number } | undefined {
  if (samples.length === 0) return undefined;
  const sorted = Float64Array.from(samples).sort();
  return { p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99) };
}
