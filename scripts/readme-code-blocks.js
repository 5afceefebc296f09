#!/usr/bin/env node
'use strict';
/**
 * Type-checks the TypeScript code blocks of a markdown file as a user would paste them: each
 * ```ts / ```typescript block becomes its own module in a consumer project that has the packed
 * nestjs-ai-cache installed (scripts/compat-smoke.sh makes one), and `tsc` compiles them all.
 * Errors are reported at their README line.
 *
 * A block is skipped only when its fence says so: ```ts no-check (GitHub still highlights it as
 * TypeScript). Use it for fragments that are deliberately not complete programs.
 *
 * A block whose fence says `file=<name>.ts` is also importable by the blocks after it, as an app's
 * file of that name would be: `import { X } from './<name>.js'`.
 *
 * Usage:
 *   node scripts/readme-code-blocks.js check <README.md> <consumerDir> <module> <moduleResolution> <tsc>
 *   node scripts/readme-code-blocks.js list <README.md>
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { basename, join, relative } = require('node:path');

const TYPESCRIPT_LANGUAGES = new Set(['ts', 'typescript']);
const SKIP_TAG = 'no-check';
const FILE_TAG = /^file=([\w.-]+)\.ts$/;

/**
 * The fenced code blocks of `markdown`, with the 1-based line of their first code line.
 * Fences follow CommonMark: ``` or ~~~ (3 or more), closed by the same character at least as
 * long; indentation (blocks inside list items) is removed from the code lines.
 *
 * @returns {Array<{ language: string, tags: string[], line: number, code: string }>}
 */
function extractCodeBlocks(markdown) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    if (fence[0] === '`' && info.includes('`')) continue; // an inline code span, not a fence
    const [language = '', ...tags] = info.trim().split(/\s+/).filter(Boolean);
    const code = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      code.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    blocks.push({ language: language.toLowerCase(), tags, line: i + 2, code: code.join('\n') });
    i = j;
  }
  return blocks;
}

/** The TypeScript blocks, split into those to compile and those their fence excludes. */
function typeScriptBlocks(markdown) {
  const blocks = extractCodeBlocks(markdown).filter((block) => TYPESCRIPT_LANGUAGES.has(block.language));
  return {
    checked: blocks.filter((block) => !block.tags.includes(SKIP_TAG)),
    skipped: blocks.filter((block) => block.tags.includes(SKIP_TAG)),
  };
}

/**
 * Writes each block as `<dir>/block-<line>.ts` (line numbers inside match the README's, offset by
 * the block's first line) and a tsconfig for them; returns the file names.
 * `export {}` after the code makes every block a module of its own, as a file of an app would be,
 * so two blocks may declare the same names.
 */
function writeBlocks(blocks, dir, compilerOptions) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.flatMap((block) => {
    const file = `block-${block.line}.ts`;
    writeFileSync(join(dir, file), `${block.code}\nexport {};\n`);
    const named = block.tags.map((tag) => FILE_TAG.exec(tag)).find(Boolean);
    if (!named) return [file];
    // The name other blocks import: a re-export, so that diagnostics still name the block's line.
    writeFileSync(join(dir, `${named[1]}.ts`), `export * from './block-${block.line}.js';\n`);
    return [file, `${named[1]}.ts`];
  });
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  return files;
}

/** Rewrites `readme/block-120.ts(3,5): error …` as `README.md:122:5: error …`. */
function mapDiagnostics(output, readmeName) {
  return output
    .split('\n')
    .map((line) => line.replace(/^\S*block-(\d+)\.ts\((\d+),(\d+)\)/, (_, first, row, column) => `${readmeName}:${Number(first) + Number(row) - 1}:${column}`))
    .join('\n');
}

/** What a Nest application's tsconfig typically holds, with the module settings under test. */
function compilerOptionsFor(module, moduleResolution) {
  return {
    module,
    moduleResolution,
    target: 'ES2022',
    lib: ['ES2023'],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
}

function check(readmePath, consumerDir, module, moduleResolution, tsc) {
  const { checked, skipped } = typeScriptBlocks(readFileSync(readmePath, 'utf8'));
  if (checked.length === 0) {
    console.log(`FAIL  ${basename(readmePath)}: no TypeScript code blocks found`);
    return 1;
  }
  const dir = join(consumerDir, 'readme-blocks');
  writeBlocks(checked, dir, compilerOptionsFor(module, moduleResolution));
  const result = spawnSync(tsc, ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: consumerDir, encoding: 'utf8' });
  const skippedNote = skipped.length > 0 ? `; skipped (${SKIP_TAG}): lines ${skipped.map((b) => b.line).join(', ')}` : '';
  const label = `${basename(readmePath)}: ${checked.length} TypeScript blocks compile against the packed library (module ${module}, moduleResolution ${moduleResolution})${skippedNote}`;
  if (result.status === 0) {
    console.log(`PASS  ${label}`);
    return 0;
  }
  console.log(`FAIL  ${label.replace(' compile ', ' do not all compile ')}`);
  // Named from the repository root, as the README is in an editor.
  const output = mapDiagnostics(`${result.stdout}${result.stderr}`, relative(join(__dirname, '..'), readmePath) || basename(readmePath));
  for (const line of output.trimEnd().split('\n')) console.log(`        ${line}`);
  return 1;
}

module.exports = { extractCodeBlocks, typeScriptBlocks, writeBlocks, mapDiagnostics, compilerOptionsFor, SKIP_TAG };

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'check' && args.length === 5) {
    process.exitCode = check(...args);
  } else if (command === 'list' && args.length === 1) {
    const { checked, skipped } = typeScriptBlocks(readFileSync(args[0], 'utf8'));
    for (const block of checked) console.log(`line ${block.line}: checked`);
    for (const block of skipped) console.log(`line ${block.line}: skipped (${SKIP_TAG})`);
  } else {
    console.error('usage: readme-code-blocks.js check <README.md> <consumerDir> <module> <moduleResolution> <tsc> | list <README.md>');
    process.exitCode = 2;
  }
}
