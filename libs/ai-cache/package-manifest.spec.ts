/**
 * The published manifest (libs/ai-cache/package.json) against the sources and the monorepo: every
 * `exports` entry is built from a source entry, resolvable by TypeScript's node10 resolution too
 * (typesVersions), and every peer range admits the version this repository develops and tests with.
 * What npm and TypeScript make of the packed package in real consumer apps is proven by
 * `npm run test:compat` (scripts/compat-smoke.sh).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const { satisfies } = require('semver') as { satisfies(version: string, range: string): boolean };

interface Manifest {
  name: string;
  main: string;
  types: string;
  homepage?: string;
  repository?: { type: string; url: string; directory?: string };
  bugs?: { url: string };
  exports: Record<string, string | { types: string; require: string; default: string }>;
  typesVersions?: Record<string, Record<string, string[]>>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const libDir = __dirname;
const rootDir = join(libDir, '..', '..');
const manifest = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8')) as Manifest;
const root = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** `'.'` → `index`, `'./terminus'` → `terminus`. */
const entryName = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));
const codeEntries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== './package.json');

describe('libs/ai-cache/package.json', () => {
  it('has entries', () => {
    expect(codeEntries.map(([subpath]) => subpath)).toContain('.');
  });

  describe.each(codeEntries)('exports[%p]', (subpath, target) => {
    const name = entryName(subpath);

    it(`points types, require and default at dist/${name} (built from src/${name}.ts)`, () => {
      expect(target).toEqual({ types: `./dist/${name}.d.ts`, require: `./dist/${name}.js`, default: `./dist/${name}.js` });
      expect(existsSync(join(libDir, 'src', `${name}.ts`))).toBe(true);
    });

    if (subpath !== '.') {
      it('is mapped by typesVersions to the same declarations, for moduleResolution node10', () => {
        expect(manifest.typesVersions?.['*']?.[name]).toEqual([`./dist/${name}.d.ts`]);
      });
    }
  });

  it('maps nothing in typesVersions that exports does not have, and keeps main/types on the main entry', () => {
    const subpaths = codeEntries.map(([subpath]) => subpath).filter((s) => s !== '.').map(entryName);
    expect(Object.keys(manifest.typesVersions ?? {})).toEqual(['*']);
    expect(Object.keys(manifest.typesVersions?.['*'] ?? {}).sort()).toEqual(subpaths.sort());
    expect(`./${manifest.main}`).toBe((manifest.exports['.'] as { require: string }).require);
    expect(`./${manifest.types}`).toBe((manifest.exports['.'] as { types: string }).types);
  });

  it('names its repository, homepage and issue tracker, and its README links to the full documentation', () => {
    const repo = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(manifest.repository?.url ?? '')?.[1];
    expect(repo).toBeDefined();
    expect(manifest.repository).toMatchObject({ type: 'git', directory: 'libs/ai-cache' });
    expect(manifest.homepage).toBe(`${repo}#readme`);
    expect(manifest.bugs?.url).toBe(`${repo}/issues`);
    expect(readFileSync(join(libDir, 'README.md'), 'utf8')).toContain(`${repo}#readme`);
  });

  it('marks every peerDependenciesMeta entry optional, each of them a declared peer', () => {
    for (const [name, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) {
      expect({ name, optional: meta.optional }).toEqual({ name, optional: true });
      expect(manifest.peerDependencies[name]).toBeDefined();
    }
  });

  it.each(Object.entries(manifest.peerDependencies))('admits the %s this repository is developed and tested with (range %s)', (name, range) => {
    expect(root.dependencies[name] ?? root.devDependencies[name]).toBeDefined();
    const installed = (JSON.parse(readFileSync(join(rootDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    expect({ name, installed, admitted: satisfies(installed, range) }).toEqual({ name, installed, admitted: true });
  });
});
