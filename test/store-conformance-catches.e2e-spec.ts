import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The conformance suite can fail: run in a jest of its own against a correct store and against
 * stores with one defect each (test/fixtures/defective-stores.ts), it passes the first and fails
 * each defect on the test that names it, and on no other.
 */
interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'pending';
}

const root = join(__dirname, '..');

function runFixture(): AssertionResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  const outputFile = join(dir, 'results.json');
  try {
    const config = {
      rootDir: root,
      testEnvironment: 'node',
      testRegex: 'test/fixtures/defective-stores\\.conformance\\.ts$',
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: join(root, 'tsconfig.json') }] },
      moduleNameMapper: { '^@app/ai-cache(|/.*)$': '<rootDir>/libs/ai-cache/src$1' },
    };
    spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--json', '--outputFile', outputFile, '--silent'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as { testResults: Array<{ assertionResults: AssertionResult[] }> };
    return report.testResults.flatMap((file) => file.assertionResults);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('describeCacheStoreConformance', () => {
  let results: AssertionResult[];
  beforeAll(() => {
    results = runFixture();
  }, 150_000);

  const failedOf = (defect: string) =>
    results.filter((r) => r.ancestorTitles[0] === `MapStore[${defect}]: CacheStore conformance` && r.status === 'failed').map((r) => r.title);

  it('passes a store that keeps the contract, every test run', () => {
    const correct = results.filter((r) => r.ancestorTitles[0] === 'MapStore[none]: CacheStore conformance');
    expect(correct.length).toBeGreaterThanOrEqual(11);
    expect(correct.filter((r) => r.status !== 'passed')).toEqual([]);
  });

  it.each([
    ['shares-values', ['keeps its own copy: the caller changing its object afterwards changes nothing stored']],
    ['serves-expired', ['keeps nothing past staleUntil: an entry set already past it removes the previous value, and entries expire']],
    ['substring-patterns', ['deletes by Redis-style glob, counting the distinct keys removed and nothing else']],
    ['ttl-to-stale-end', ['counts ttl down to expiresAt, in milliseconds, and serves an entry until staleUntil']],
    ['ignores-namespace', ['clears its namespace only, counting what it removed; namespaces never share a key']],
  ])('fails a store that %s, on exactly the test that checks it', (defect, expected) => {
    expect(failedOf(defect)).toEqual(expected);
  });
});
