/**
 * A scenario is one piece of work done by several contenders (this library, its peers, a raw
 * baseline), measured in interleaved repetitions and reported as medians with min–max.
 */
import { calibrate, latencyPercentiles, measureRep, type Operation, type RepMeasurement, type TimingOptions } from './measure';
import { spreadOf, type Spread } from './stats';

export type ContenderKind = 'ours' | 'peer' | 'baseline';

export interface Contender {
  name: string;
  kind: ContenderKind;
  /** The measured operation (timed by the runner)... */
  op?: Operation;
  /** ...or a whole repetition that measures itself (a subprocess, a heap delta, a count). */
  rep?: (repIndex: number) => Promise<RepMeasurement>;
  /** Shown next to the figures (e.g. a compression ratio). */
  note?: string;
}

export interface ScenarioSpec {
  id: string;
  group: string;
  title: string;
  /** Unit of the figure: `ops/s`, `MB/s`, `B/entry`, `computes`, `ns/op`… */
  unit: string;
  /** True when a larger figure is better (throughput); false for costs (bytes, computes, ns). */
  higherIsBetter: boolean;
  contenders: Contender[];
  timing?: Partial<TimingOptions>;
  /** Turns ops/s into this unit (e.g. bytes per op for MB/s, or ns per op). */
  convert?: (opsPerSec: number) => number;
}

export interface ContenderResult {
  name: string;
  kind: ContenderKind;
  figure: Spread;
  p50Us?: number;
  p99Us?: number;
  note?: string;
}

export interface ScenarioResult {
  id: string;
  group: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  status: 'ok' | 'pending' | 'error';
  /** Why the scenario is pending or failed. */
  reason?: string;
  results: ContenderResult[];
}

export const DEFAULT_TIMING: TimingOptions = { concurrency: 1, sync: false, batch: 1, repMs: 250, calibrationMs: 60 };

export async function runScenario(spec: ScenarioSpec, reps: number, repMsScale = 1): Promise<ScenarioResult> {
  const timing: TimingOptions = { ...DEFAULT_TIMING, ...spec.timing };
  timing.repMs *= repMsScale;
  timing.calibrationMs *= Math.min(1, repMsScale * 5);
  const count = spec.contenders.length;
  const figures: number[][] = spec.contenders.map(() => []);
  const samples: number[][] = spec.contenders.map(() => []);
  const reported: Array<{ p50: number[]; p99: number[] }> = spec.contenders.map(() => ({ p50: [], p99: [] }));
  const opsPerRep: number[] = [];
  const offsets: number[] = new Array(count).fill(0);

  for (let c = 0; c < count; c++) {
    const op = spec.contenders[c].op;
    if (op) opsPerRep[c] = await calibrate(op, timing);
  }
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < count; k++) {
      const c = (k + rep) % count; // rotate who goes first
      const contender = spec.contenders[c];
      let measured: RepMeasurement;
      if (contender.op) {
        measured = await measureRep(contender.op, opsPerRep[c], timing, offsets[c]);
        offsets[c] += opsPerRep[c];
      } else if (contender.rep) {
        measured = await contender.rep(rep);
      } else {
        throw new Error(`${spec.id}/${contender.name}: a contender needs op or rep`);
      }
      figures[c].push(spec.convert && contender.op ? spec.convert(measured.value) : measured.value);
      if (measured.latenciesUs) for (const sample of measured.latenciesUs) samples[c].push(sample);
      if (measured.p50Us !== undefined) reported[c].p50.push(measured.p50Us);
      if (measured.p99Us !== undefined) reported[c].p99.push(measured.p99Us);
    }
  }
  return {
    id: spec.id,
    group: spec.group,
    title: spec.title,
    unit: spec.unit,
    higherIsBetter: spec.higherIsBetter,
    status: 'ok',
    results: spec.contenders.map((contender, c) => ({
      name: contender.name,
      kind: contender.kind,
      figure: spreadOf(figures[c]),
      ...(latencyPercentiles(samples[c]) ?? medianOfReported(reported[c])),
      note: contender.note,
    })),
  };
}

/** A scenario that could not run (yet): reported as such instead of silently missing. */
export function notRun(spec: Pick<ScenarioSpec, 'id' | 'group' | 'title' | 'unit' | 'higherIsBetter'>, status: 'pending' | 'error', reason: string): ScenarioResult {
  return { ...spec, status, reason, results: [] };
}

/** The median of each percentile a self-measuring contender reported per repetition. */
function medianOfReported(reported: { p50: number[]; p99: number[] }): { p50Us?: number; p99Us?: number } {
  if (reported.p50.length === 0) return {};
  return { p50Us: spreadOf(reported.p50).median, p99Us: spreadOf(reported.p99).median };
}
