import { SampleSeries } from './sample-series';
import { max, mean, median, min, percentOf, sum } from './statistics';
import type { CompressionStats } from './monitor-reports.types';
import type { CompressionSample } from './monitor.types';

/**
 * Compression ratio, time and bytes saved (the seed's `record_compression_ratio` and the
 * `compression` section of its stats). Ratio is compressed / original: lower is better.
 */
export class CompressionAnalytics extends SampleSeries<CompressionSample> {
  private readonly totals = { operations: 0, originalBytes: 0, compressedBytes: 0, durationMs: 0 };

  record(sample: CompressionSample): void {
    this.samples.push(sample);
    this.totals.operations++;
    this.totals.originalBytes += sample.originalBytes;
    this.totals.compressedBytes += sample.compressedBytes;
    this.totals.durationMs += sample.durationMs;
  }

  /** Since start or reset, for counters that must never go down with retention. */
  runningTotals(): Readonly<{ operations: number; originalBytes: number; compressedBytes: number; durationMs: number }> {
    return { ...this.totals };
  }

  override clear(): void {
    super.clear();
    this.totals.operations = 0;
    this.totals.originalBytes = 0;
    this.totals.compressedBytes = 0;
    this.totals.durationMs = 0;
  }

  /** Undefined when nothing was compressed in the window (the seed leaves the section out). */
  stats(): CompressionStats | undefined {
    const samples = this.samples.toArray();
    if (samples.length === 0) return undefined;
    const ratios = samples.map(ratioOf);
    const times = samples.map((s) => s.durationMs);
    const original = sum(samples.map((s) => s.originalBytes));
    const compressed = sum(samples.map((s) => s.compressedBytes));
    return {
      totalOperations: samples.length,
      avgCompressionRatio: mean(ratios),
      medianCompressionRatio: median(ratios),
      bestCompressionRatio: min(ratios),
      worstCompressionRatio: max(ratios),
      avgCompressionTime: mean(times),
      maxCompressionTime: max(times),
      totalBytesProcessed: original,
      totalBytesSaved: original - compressed,
      overallSavingsPercent: percentOf(original - compressed, original),
    };
  }
}

/** compressed / original, and 1 (no change) for an empty input, as the seed did. */
export function ratioOf(sample: Pick<CompressionSample, 'originalBytes' | 'compressedBytes'>): number {
  return sample.originalBytes > 0 ? sample.compressedBytes / sample.originalBytes : 1;
}
