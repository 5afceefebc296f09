/**
 * The README as a user reads it. Its TypeScript blocks are compiled against the packed library by
 * `npm run test:compat` (scripts/readme-code-blocks.js inside scripts/compat-smoke.sh); here: the
 * extractor that feeds that check, and what the text itself promises (the install line of every
 * optional peer, scripts that exist, no words only this repository's authors would understand).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A plain CommonJS script (node runs it without compiling); its exports are typed here.
const { extractCodeBlocks, mapDiagnostics, typeScriptBlocks, writeBlocks, SKIP_TAG } = require('../scripts/readme-code-blocks.js') as {
  extractCodeBlocks(markdown: string): Array<{ language: string; tags: string[]; line: number; code: string }>;
  typeScriptBlocks(markdown: string): { checked: Array<{ line: number; code: string }>; skipped: Array<{ line: number; code: string }> };
  mapDiagnostics(output: string, readmeName: string): string;
  writeBlocks(blocks: Array<{ language: string; tags: string[]; line: number; code: string }>, dir: string, compilerOptions: object): string[];
  SKIP_TAG: string;
};

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const libraryReadme = readFileSync(join(ROOT, 'libs/ai-cache/README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'libs/ai-cache/package.json'), 'utf8')) as {
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const rootScripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('scripts/readme-code-blocks.js', () => {
  const markdown = [
    '# Title', // 1
    '```ts', // 2
    "import { A } from 'a';", // 3
    '```', // 4
    '- a list item:', // 5
    '  ```typescript', // 6
    '  const x = 1;', // 7
    '    indented();', // 8
    '  ```', // 9
    '~~~bash', // 10
    '```ts', // 11 (inside a bash block: not a fence of its own)
    '~~~', // 12
    `\`\`\`TS ${SKIP_TAG}`, // 13
    'fragment(', // 14
    '````', // 15 (a longer closing fence closes too)
    'text with ```inline``` code', // 16
  ].join('\n');

  it('finds fenced blocks with their language, tags and first code line, inside lists too', () => {
    expect(extractCodeBlocks(markdown)).toEqual([
      { language: 'ts', tags: [], line: 3, code: "import { A } from 'a';" },
      { language: 'typescript', tags: [], line: 7, code: 'const x = 1;\n  indented();' },
      { language: 'bash', tags: [], line: 11, code: '```ts' },
      { language: 'ts', tags: [SKIP_TAG], line: 14, code: 'fragment(' },
    ]);
  });

  it(`keeps the TypeScript blocks, apart from those whose fence says ${SKIP_TAG}`, () => {
    const { checked, skipped } = typeScriptBlocks(markdown);
    expect(checked.map((b) => b.line)).toEqual([3, 7]);
    expect(skipped.map((b) => b.line)).toEqual([14]);
  });

  it('writes a block whose fence says file=<name>.ts under that name too, for the blocks that import it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-blocks-'));
    try {
      const files = writeBlocks([{ language: 'ts', tags: ['file=store.ts'], line: 40, code: 'export const a = 1;' }], dir, {});
      expect(files).toEqual(['block-40.ts', 'store.ts']);
      expect(readFileSync(join(dir, 'store.ts'), 'utf8')).toBe("export * from './block-40.js';\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports tsc's errors at their README line", () => {
    const output = "readme-blocks/block-120.ts(3,5): error TS2304: Cannot find name 'llm'.\nother line";
    expect(mapDiagnostics(output, 'README.md')).toBe("README.md:122:5: error TS2304: Cannot find name 'llm'.\nother line");
  });
});

describe('README.md', () => {
  const { checked, skipped } = typeScriptBlocks(readme);
  const allCode = extractCodeBlocks(readme);

  it('has TypeScript examples, nearly all of them compiled by the README check', () => {
    expect(checked.length).toBeGreaterThanOrEqual(6);
    // Excluding a block is for fragments that cannot be complete programs; it stays the exception.
    expect(skipped.length).toBeLessThanOrEqual(2);
  });

  it("imports the library as users install it ('nestjs-ai-cache'), never by the monorepo alias", () => {
    for (const block of allCode) {
      expect({ line: block.line, alias: /from ['"]@app\/ai-cache/.test(block.code) }).toEqual({ line: block.line, alias: false });
    }
    const quickStart = readme.slice(readme.indexOf('## Quick start'));
    expect(quickStart).toMatch(/```ts\n[^`]*from 'nestjs-ai-cache'/);
  });

  it('has an Install section with the install line of the library and of every optional peer', () => {
    const install = section(readme, 'Install');
    expect(install).toContain('npm i nestjs-ai-cache @nestjs/config');
    for (const peer of Object.keys(manifest.peerDependenciesMeta)) {
      expect({ peer, listed: new RegExp(`npm i ${escapeRegExp(peer)}(@\\S+)?\\b`).test(install) }).toEqual({ peer, listed: true });
    }
  });

  it('only names npm scripts that exist, npm start and npm run start:dev among them', () => {
    const named = [...readme.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test))\b/g)].map((match) => match[1] ?? match[2]);
    expect(named).toEqual(expect.arrayContaining(['start', 'start:dev', 'test']));
    for (const script of new Set(named)) expect({ script, exists: script in rootScripts }).toEqual({ script, exists: true });
  });
});

describe.each([
  ['README.md', readme],
  ['libs/ai-cache/README.md', libraryReadme],
])('%s speaks to users', (_name, text) => {
  it.each([
    ['the seed', /\bthe seed\b|\bseed's\b/i],
    ['DESIGN', /\bDESIGN\b/],
    ['issue numbers', /\bissues? #?\d+|(^|[\s(])#\d+\b/im],
    ['fixes', /\bfix(es|ed)?\b/i],
  ])('never says %s', (_word, pattern) => {
    const found = text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
    expect(found).toEqual([]);
  });
});

/** The text of a `## <title>` section, up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.search(new RegExp(`^## ${escapeRegExp(title)}\\b`, 'm'));
  if (start < 0) return '';
  const rest = markdown.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
