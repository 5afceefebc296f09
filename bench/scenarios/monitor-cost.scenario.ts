/**
 * What the monitor costs each cache call: one recorded lookup, key generation and write, against
 * recording the same timing with prom-client (a labelled Histogram), the usual way to get metrics.
 */
import { Histogram, Registry } from 'prom-client';
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { runScenario, type ScenarioResult } from '../support/scenario';

export async function monitorCostScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const ours = await createOurCache({ driver: 'memory' });
  const registry = new Registry();
  const histogram = new Histogram({ name: 'bench_cache_op_seconds', help: 'bench', labelNames: ['operation', 'tier'], registers: [registry] });
  try {
    const monitor = ours.monitor;
    const durations = [0.004, 0.012, 0.03, 0.25, 1.5];
    ctx.log('monitor: cost per recorded operation');
    const record = await runScenario(
      {
        id: 'monitor.record',
        group: 'monitor',
        title: 'cost per recorded operation',
        unit: 'ns/op',
        higherIsBetter: false,
        timing: { sync: true, batch: 1000, repMs: 120 },
        convert: (opsPerSec) => 1e9 / opsPerSec,
        contenders: [
          { name: 'CacheMonitorService.recordLookup()', kind: 'ours', op: (i) => monitor.recordLookup('summarize', i & 1 ? 'memory' : 'miss', durations[i % 5]) },
          { name: 'CacheMonitorService.recordKeyGeneration()', kind: 'ours', op: (i) => monitor.recordKeyGeneration(durations[i % 5], 300, 'small', 'summarize') },
          { name: 'CacheMonitorService.recordOperation()', kind: 'ours', op: (i) => monitor.recordOperation('set', 'summarize', 'memory', durations[i % 5]) },
          { name: 'prom-client Histogram.observe(labels)', kind: 'peer', op: (i) => histogram.observe({ operation: 'summarize', tier: 'memory' }, durations[i % 5] / 1000) },
        ],
      },
      ctx.reps,
      ctx.repMsScale,
    );
    ctx.log('monitor: getPerformanceStats() with full buffers');
    const read = await runScenario(
      {
        id: 'monitor.read',
        group: 'monitor',
        title: 'getPerformanceStats() with full ring buffers',
        unit: 'ops/s',
        higherIsBetter: true,
        timing: { sync: true, batch: 1, repMs: 120 },
        contenders: [{ name: 'CacheMonitorService.getPerformanceStats()', kind: 'ours', op: () => monitor.getPerformanceStats() }],
      },
      ctx.reps,
      ctx.repMsScale,
    );
    return [record, read];
  } finally {
    registry.clear();
    await ours.app.close();
  }
}
