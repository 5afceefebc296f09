import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The adapters' peers are optional: the compiled library (as published, `tsc -p tsconfig.lib.json`)
 * must load its main entry in an app that has none of them, and each adapter entry must then say
 * what to install. Checked in fresh node processes whose module resolution refuses the peers, as
 * an application without them installed would.
 */
const ROOT = resolve(__dirname, '..');
const PEERS = ['@langchain/core', 'ai', 'openai'];
const ENTRIES = [
  { entry: 'langchain', exports: ['LangChainAICache'], install: 'npm install @langchain/core@^1', peer: '@langchain/core' },
  { entry: 'ai-sdk', exports: ['aiCacheMiddleware', 'languageModelCallRequest'], install: 'npm install ai@^6', peer: 'ai' },
  { entry: 'openai', exports: ['withAICache', 'chatCompletionRequest'], install: 'npm install openai@^6', peer: 'openai' },
];

describe('adapter entry points of the compiled library', () => {
  let dir: string;
  let dist: string;
  let refusePeers: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ai-cache-entries-'));
    dist = join(dir, 'dist');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'libs/ai-cache/tsconfig.lib.json'), '--outDir', dist], { stdio: 'pipe' });
    refusePeers = join(dir, 'refuse-peers.js');
    writeFileSync(
      refusePeers,
      `const Module = require('node:module');
const peers = ${JSON.stringify(PEERS)};
const resolveFilename = Module._resolveFilename;
globalThis.refusedPeers = [];
Module._resolveFilename = function (request, ...rest) {
  if (peers.some((peer) => request === peer || request.startsWith(peer + '/'))) {
    globalThis.refusedPeers.push(request);
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  }
  return resolveFilename.call(this, request, ...rest);
};`,
    );
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `script` in a new node process (peers refused unless `withPeers`) and returns what it printed. */
  function run(script: string, withPeers = false): { stdout: string; stderr: string; status: number | null } {
    const args = [...(withPeers ? [] : ['--require', refusePeers]), '-e', script];
    // The compiled files live outside the repo: NODE_PATH lets them find the repo's node_modules.
    const result = spawnSync(process.execPath, args, { cwd: dir, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, encoding: 'utf8', timeout: 60_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  }

  it('loads the main entry without @langchain/core, ai and openai, and never asks for them', () => {
    const result = run(`
      require('reflect-metadata');
      const main = require(${JSON.stringify(join(dist, 'index.js'))});
      const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](@langchain|ai|openai)[\\\\/]/.test(file));
      console.log(JSON.stringify({ service: typeof main.AIResponseCacheService, module: typeof main.CacheModule, loaded, asked: globalThis.refusedPeers }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ service: 'function', module: 'function', loaded: [], asked: [] });
  });

  it.each(ENTRIES)('fails to load nestjs-ai-cache/$entry without its peer, saying what to install', ({ entry, install, peer }) => {
    const result = run(`
      try { require(${JSON.stringify(join(dist, `${entry}.js`))}); console.log('loaded'); }
      catch (error) { console.log(error.message); }
    `);
    expect(result.stdout.trim()).toBe(
      `nestjs-ai-cache/${entry} needs the optional peer dependency '${peer}' (it loads '${entryModule(entry)}'), which is not installed or too old: ${install}`,
    );
  });

  it.each(ENTRIES)('loads nestjs-ai-cache/$entry with its peer installed, from the file package.json exports', ({ entry, exports }) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'libs/ai-cache/package.json'), 'utf8'));
    const target = manifest.exports[`./${entry}`] as { require: string; types: string };
    const file = join(dir, target.require.replace(/^\.\//, ''));
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(dir, target.types.replace(/^\.\//, '')))).toBe(true);
    expect(manifest.peerDependenciesMeta[entryPeer(entry)]).toEqual({ optional: true });
    const result = run(`const entry = require(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(entry).sort()));`, true);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expect.arrayContaining(exports));
  });
});

function entryModule(entry: string): string {
  return { langchain: '@langchain/core/caches', 'ai-sdk': 'ai/package.json', openai: 'openai/streaming' }[entry] as string;
}

function entryPeer(entry: string): string {
  return ENTRIES.find((candidate) => candidate.entry === entry)?.peer as string;
}
