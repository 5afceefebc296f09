/**
 * `npm run semantic:eval` end to end: the dataset, the engine on the test embedder (numbers checked
 * against the labels), and the CLI as users run it (compiled, then plain node) with the built-in
 * test embedder and with embedder modules of each accepted shape.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestEmbedder } from '../libs/ai-cache/src/semantic/test-embedder';
import { DEFAULT_THRESHOLDS, evaluate, loadDataset, type EvalReport } from '../scripts/semantic-eval/semantic-eval';

const run = promisify(execFile);
const root = join(__dirname, '..');
const datasetPath = join(root, 'scripts/semantic-eval/semantic-pairs.json');
const cli = join(root, 'dist/semantic-eval/scripts/semantic-eval/main.js');

/** Every count of every row recomputed from the per-pair similarities and labels. */
function expectConsistent(report: EvalReport): void {
  const { pairs } = report;
  expect(report.dataset.pairs).toBe(pairs.length);
  let previousRecall = Infinity;
  for (const row of report.thresholds) {
    const matched = pairs.filter((p) => p.similarity >= row.threshold);
    const tp = matched.filter((p) => p.match).length;
    const fp = matched.length - tp;
    expect(row).toMatchObject({
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: report.dataset.matching - tp,
      trueNegatives: report.dataset.nonMatching - fp,
      precision: matched.length === 0 ? null : tp / matched.length,
      recall: tp / report.dataset.matching,
    });
    if (row.precision !== null) expect(row.f1).toBeCloseTo(row.precision + row.recall === 0 ? 0 : (2 * row.precision * row.recall) / (row.precision + row.recall), 12);
    const byCategory: Record<string, number> = {};
    for (const p of matched.filter((q) => !q.match)) byCategory[p.category] = (byCategory[p.category] ?? 0) + 1;
    expect(row.falseMatchesByCategory).toEqual(byCategory);
    expect(row.recall).toBeLessThanOrEqual(previousRecall);
    previousRecall = row.recall;
  }
  const { recommended } = report;
  const eligible = report.thresholds.filter((row) => row.precision !== null && row.precision >= recommended.minPrecision);
  if (eligible.length === 0) expect(recommended).toMatchObject({ threshold: null, precision: null, recall: null });
  else {
    const row = report.thresholds.find((r) => r.threshold === recommended.threshold);
    expect(row && row.precision !== null && row.precision >= recommended.minPrecision).toBe(true);
    expect(recommended.recall).toBe(Math.max(...eligible.map((r) => r.recall)));
  }
}

describe('semantic-eval', () => {
  const work = mkdtempSync(join(tmpdir(), 'semantic-eval-'));
  // The compiled CLI, for the tests that run it with plain node (as `npm run semantic:eval` does).
  beforeAll(() => run(join(root, 'node_modules/.bin/tsc'), ['-p', 'scripts/semantic-eval/tsconfig.json'], { cwd: root }), 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships a labelled dataset of at least 300 pairs, paraphrases and every kind of near miss', () => {
    const pairs = loadDataset(datasetPath);
    expect(pairs.length).toBeGreaterThanOrEqual(300);
    const count = (category: string) => pairs.filter((p) => p.category === category).length;
    expect(count('paraphrase')).toBeGreaterThanOrEqual(150);
    for (const category of ['negation', 'swapped-roles', 'changed-number', 'changed-date', 'changed-unit', 'other-language', 'different-entity']) {
      expect({ category, enough: count(category) >= 20 }).toEqual({ category, enough: true });
    }
    expect(pairs.every((p) => p.match === (p.category === 'paraphrase'))).toBe(true);
    expect(new Set(pairs.map((p) => `${p.a}\n${p.b}`)).size).toBe(pairs.length);
  });

  it('scores the test embedder with numbers consistent with the labels', async () => {
    const report = await evaluate(createTestEmbedder(), loadDataset(datasetPath));
    expect(report.thresholds.map((row) => row.threshold)).toEqual([...DEFAULT_THRESHOLDS].sort((a, b) => a - b));
    expect(Object.keys(report.categories).sort()).toEqual(['changed-date', 'changed-number', 'changed-unit', 'different-entity', 'negation', 'other-language', 'paraphrase', 'swapped-roles']);
    expectConsistent(report);
    // The test embedder compares words, not meaning: near misses share words, paraphrases do not.
    expect(report.categories.negation.median).toBeGreaterThan(report.categories.paraphrase.median);
  });

  it('runs as `npm run semantic:eval -- --test-embedder`, printing the table and a loud note, and writing JSON', async () => {
    const jsonPath = join(work, 'test-embedder.json');
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'semantic:eval', '--', '--test-embedder', '--json', jsonPath], { cwd: root, timeout: 120_000 });
    expect(stderr).toContain('NOT a semantic model');
    expect(stdout).toContain('threshold  precision  recall     F1     TP   FP   FN   TN');
    expect(stdout).toMatch(/369 labelled pairs: 161 should match, 208 must not/);
    expect(stdout).toMatch(/No threshold reaches precision ≥ 99\.0%|Best threshold for precision ≥ 99\.0%/);
    const written = JSON.parse(readFileSync(jsonPath, 'utf8')) as EvalReport & { embedder: string };
    expect(written.embedder).toContain('test embedder');
    expectConsistent(written);
    const inProcess = await evaluate(createTestEmbedder(), loadDataset(datasetPath));
    expect(written.thresholds).toEqual(inProcess.thresholds);
  }, 120_000);

  it('loads a CommonJS module exporting `embed` and reports exactly what its similarities imply', async () => {
    const jsonPath = join(work, 'constant.json');
    const { stdout } = await run('node', [cli, '--embedder', './test/fixtures/constant-embedder.cjs', '--thresholds', '0.5,1', '--json', jsonPath], { cwd: root });
    expect(stdout).toContain('(model constant-v1)');
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as EvalReport;
    for (const row of report.thresholds) {
      expect(row).toMatchObject({ truePositives: 161, falsePositives: 208, falseNegatives: 0, trueNegatives: 0, precision: 161 / 369, recall: 1 });
    }
    expect(report.recommended).toEqual({ minPrecision: 0.99, threshold: null, precision: null, recall: null });
  });

  it('loads an ES module exporting a `createEmbedder` factory', async () => {
    const jsonPath = join(work, 'length.json');
    await run('node', [cli, '--embedder', join(root, 'test/fixtures/length-embedder.mjs'), '--min-precision', '0.3', '--json', jsonPath], { cwd: root });
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as EvalReport;
    expect(report.recommended.minPrecision).toBe(0.3);
    expectConsistent(report);
  });

  it('fails with a usage error (exit 2) without an embedder, or with a module that exports none', async () => {
    const missing = await run('node', [cli], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--embedder <module> is required') });
    const none = await run('node', [cli, '--embedder', './package.json'], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('exports no embed function') });
    const unknown = await run('node', [cli, '--test-embedder', '--thresholds', 'x'], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('--thresholds must be a number (received "x")') });
  });
});
