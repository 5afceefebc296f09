/**
 * `runBenchmark()`: every scenario, in one process, against one redis-server of its own (a free
 * loopback port, stopped by pid at the end, whatever happens). The CLI (main.ts) and the smoke
 * test (test/bench-smoke.e2e-spec.ts) both call it.
 */
import { execFileSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { RedisServer } from '../test/support/redis-harness';
import { adapterScenarios } from './scenarios/adapters.scenario';
import { bytesPerEntryScenarios } from './scenarios/bytes-per-entry.scenario';
import { codecScenarios } from './scenarios/codecs.scenario';
import { coalescingScenarios } from './scenarios/coalescing.scenario';
import { compressionScenarios } from './scenarios/compression.scenario';
import { decoratorScenarios } from './scenarios/decorator.scenario';
import { fleetScenarios } from './scenarios/fleet.scenario';
import { keyBuildScenarios } from './scenarios/key-build.scenario';
import { memoryDriverScenarios } from './scenarios/memory-driver.scenario';
import { monitorCostScenarios } from './scenarios/monitor-cost.scenario';
import { redisDriverScenarios } from './scenarios/redis-driver.scenario';
import { redisL1Scenarios } from './scenarios/redis-l1.scenario';
import { semanticIndexScenarios } from './scenarios/semantic-index.scenario';
import { FULL_SIZES, SMOKE_SIZES, type BenchContext } from './support/bench-context';
import type { BenchReport, MachineInfo } from './support/report';
import type { ScenarioResult } from './support/scenario';
import { evaluateTargets } from './support/targets';

export const MIN_REPS = 5;

/** Scenario modules by name, in run order (the newest code last). */
export const SCENARIO_MODULES: Record<string, (ctx: BenchContext) => Promise<ScenarioResult[]>> = {
  memory: memoryDriverScenarios,
  redis: redisDriverScenarios,
  redisL1: redisL1Scenarios,
  keys: keyBuildScenarios,
  compression: compressionScenarios,
  codecs: codecScenarios,
  monitor: monitorCostScenarios,
  coalescing: coalescingScenarios,
  fleet: fleetScenarios,
  bytes: bytesPerEntryScenarios,
  decorator: decoratorScenarios,
  adapters: adapterScenarios,
  semantic: semanticIndexScenarios,
};

export interface BenchOptions {
  /** Tiny sizes and very short repetitions: proves every scenario runs, measures nothing. */
  smoke?: boolean;
  /** Interleaved repetitions per scenario (at least 5). */
  reps?: number;
  /** Names of SCENARIO_MODULES to run (default: all). */
  only?: string[];
  command?: string;
  log?: (message: string) => void;
}

export async function runBenchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const reps = Math.max(MIN_REPS, options.reps ?? MIN_REPS);
  const log = options.log ?? (() => undefined);
  const selected = options.only?.length ? options.only : Object.keys(SCENARIO_MODULES);
  for (const name of selected) {
    if (!SCENARIO_MODULES[name]) throw new Error(`Unknown scenario module '${name}'; expected one of ${Object.keys(SCENARIO_MODULES).join(', ')}`);
  }
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const redis = await RedisServer.start();
  log(`redis-server pid ${redis.pid} on ${redis.url}`);
  try {
    const ctx: BenchContext = {
      reps,
      repMsScale: options.smoke ? 0.02 : 1,
      sizes: options.smoke ? SMOKE_SIZES : FULL_SIZES,
      redis: { url: redis.url, host: redis.host, port: redis.port },
      log,
    };
    const scenarios: ScenarioResult[] = [];
    for (const name of selected) {
      scenarios.push(...(await SCENARIO_MODULES[name](ctx)));
      await redis.cli('FLUSHALL'); // our own server: each module starts from an empty Redis
    }
    return {
      command: options.command ?? 'npm run bench',
      machine: machineInfo(),
      startedAt,
      durationMs: performance.now() - started,
      reps,
      smoke: options.smoke === true,
      scenarios,
      targets: evaluateTargets(scenarios),
    };
  } finally {
    await redis.stop();
  }
}

function machineInfo(): MachineInfo {
  let redisVersion = 'unknown';
  try {
    redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redisVersion;
  } catch {
    // Reported as unknown; the run itself would have failed to start Redis.
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${platform()} ${release()}`,
    node: process.version,
    redis: redisVersion,
  };
}
