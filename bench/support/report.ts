/**
 * The benchmark's output: one row per contender with its median (min–max), p50/p99, the ratio of
 * ours to it, and the verdict of the target that row is compared against; then the targets alone.
 * Rendered as aligned text for the terminal or as markdown for the README.
 */
import type { ContenderResult, ScenarioResult } from './scenario';
import type { TargetResult } from './targets';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  redis: string;
}

export interface BenchReport {
  command: string;
  machine: MachineInfo;
  startedAt: string;
  durationMs: number;
  reps: number;
  smoke: boolean;
  scenarios: ScenarioResult[];
  targets: TargetResult[];
}

const HEADERS = ['Scenario', 'Contender', 'Median (min–max)', 'p50', 'p99', 'Ours ÷ this', 'Target', 'Result'];

export function reportRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const scenario of report.scenarios) {
    const title = `${scenario.group}: ${scenario.title}`;
    if (scenario.status !== 'ok') {
      const target = report.targets.find((t) => t.scenarioId === scenario.id);
      rows.push([title, '—', `${scenario.status}: ${scenario.reason ?? ''}`, '', '', '', target?.needed ?? '', target ? target.verdict : '']);
      continue;
    }
    const ours = scenario.results.find((result) => result.kind === 'ours');
    scenario.results.forEach((result, index) => {
      // A row may carry several targets (e.g. raw GET for both the compression-off and the lz4 rows of
      // ours): each shows its own measured ratio, labelled with the row of ours it is about.
      const targets = report.targets.filter((t) => t.scenarioId === scenario.id && t.againstRow === result.name);
      const label = (t: TargetResult) => (t.oursRow && t.oursRow !== ours?.name ? `${t.oursRow.split(', ').slice(1).join(', ')}: ` : '');
      rows.push([
        index === 0 ? title : '',
        result.name + (result.note ? ` — ${result.note}` : ''),
        `${formatFigure(result.figure.median, scenario.unit)} (${formatFigure(result.figure.min, scenario.unit)}–${formatFigure(result.figure.max, scenario.unit)}) ${scenario.unit}`,
        formatMicros(result.p50Us),
        formatMicros(result.p99Us),
        targets.length > 0
          ? targets.map((t) => `${label(t)}${t.measured.split(' ')[0]}`).join(' / ')
          : ours && result !== ours && result.kind !== 'ours'
            ? ratio(ours, result)
            : '',
        targets.map((t) => t.needed).join(' / '),
        targets.map((t) => t.verdict).join(' / '),
      ]);
    });
  }
  return rows;
}

export function renderText(report: BenchReport): string {
  const rows = reportRows(report);
  const widths = HEADERS.map((header, c) => Math.max(header.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const out = [header(report), '', line(HEADERS), line(widths.map((w) => '-'.repeat(w)))];
  let previousGroup = '';
  rows.forEach((row) => {
    if (row[0] && row[0].split(':')[0] !== previousGroup && previousGroup !== '') out.push('');
    if (row[0]) previousGroup = row[0].split(':')[0];
    out.push(line(row));
  });
  out.push('', 'Targets (ratios within this run):');
  for (const target of report.targets) out.push(`  ${target.verdict.padEnd(7)} ${target.description}: ${target.measured} (needed ${target.needed})`);
  return out.join('\n');
}

export function renderMarkdown(report: BenchReport): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [header(report), '', `| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const row of reportRows(report)) out.push(`| ${row.map(escape).join(' | ')} |`);
  out.push('', '| Target | Needed | Measured | Result |', '|---|---|---|---|');
  for (const target of report.targets) out.push(`| ${escape(target.description)} | ${target.needed} | ${escape(target.measured)} | ${target.verdict} |`);
  return out.join('\n');
}

function header(report: BenchReport): string {
  const m = report.machine;
  return (
    `${report.command} — ${report.reps} interleaved repetitions, medians (min–max); latencies in µs` +
    `${report.smoke ? ' — SMOKE RUN (tiny sizes: not a measurement)' : ''}\n` +
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; redis-server ${m.redis}; ` +
    `${(report.durationMs / 1000).toFixed(0)} s, ${report.startedAt}`
  );
}

/** "ours ÷ this" on medians: > 1 means we are faster for throughput, and costlier for costs. */
function ratio(ours: ContenderResult, other: ContenderResult): string {
  const value = ours.figure.median / other.figure.median;
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

export function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'computes' || unit === 'B/entry') return Math.round(value).toLocaleString('en-US');
  if (unit === 'MB/s' || unit === 'ns/op') return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
  // ops/s: three significant figures are all a benchmark can honestly claim.
  return Number(value.toPrecision(3)).toLocaleString('en-US');
}

function formatMicros(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}
