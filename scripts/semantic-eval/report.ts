/** Renders an `EvalReport` as the table `npm run semantic:eval` prints. */
import type { EvalReport } from './semantic-eval';

const pct = (value: number | null) => (value === null ? '   —  ' : `${(value * 100).toFixed(1).padStart(5)}%`);

export function renderReport(report: EvalReport, embedderName: string): string {
  const { dataset, recommended } = report;
  const lines: string[] = [];
  lines.push(`semantic-eval: ${embedderName}`);
  lines.push(
    `${dataset.pairs} labelled pairs: ${dataset.matching} should match, ${dataset.nonMatching} must not (` +
      Object.entries(dataset.byCategory)
        .map(([category, count]) => `${category} ${count}`)
        .join(', ') +
      ')',
  );
  lines.push('');
  lines.push('threshold  precision  recall     F1     TP   FP   FN   TN  false matches by category');
  for (const row of report.thresholds) {
    const falseMatches = Object.entries(row.falseMatchesByCategory)
      .sort((x, y) => y[1] - x[1])
      .map(([category, count]) => `${category} ${count}`)
      .join(', ');
    lines.push(
      `${row.threshold.toFixed(3).padStart(9)}  ${pct(row.precision).padStart(9)}  ${pct(row.recall)}  ${pct(row.f1)}  ` +
        `${String(row.truePositives).padStart(4)} ${String(row.falsePositives).padStart(4)} ${String(row.falseNegatives).padStart(4)} ${String(row.trueNegatives).padStart(4)}  ${falseMatches}`,
    );
  }
  lines.push('');
  lines.push('cosine similarity by category   pairs    min  median    max');
  for (const [category, stats] of Object.entries(report.categories)) {
    lines.push(`  ${`${category} (${stats.match ? 'should match' : 'must not'})`.padEnd(30)} ${String(stats.pairs).padStart(4)}  ${stats.min.toFixed(3)}  ${stats.median.toFixed(3)}  ${stats.max.toFixed(3)}`);
  }
  lines.push('');
  if (recommended.threshold === null) {
    lines.push(`No threshold reaches precision ≥ ${pct(recommended.minPrecision).trim()} with this embedder: keep semantic match off for it (or threshold: 1).`);
  } else {
    lines.push(
      `Best threshold for precision ≥ ${pct(recommended.minPrecision).trim()}: ${recommended.threshold} ` +
        `(precision ${pct(recommended.precision).trim()}, recall ${pct(recommended.recall).trim()} on this dataset).`,
    );
    lines.push('Check it on pairs from your own traffic too: this dataset is generic, and short.');
  }
  return lines.join('\n');
}
