/**
 * `npm run semantic:eval -- --embedder <module> [--dataset FILE] [--thresholds 0.8,0.9] [--min-precision 0.99] [--json FILE] [--concurrency N]`
 * `npm run semantic:eval -- --test-embedder` runs the built-in word-hashing test embedder instead (not a semantic model).
 *
 * The module (a path, relative to the current directory, or a package name) provides the embed
 * function under test, as one of (first found wins):
 *   export async function embed(text) { … }            a named `embed` function
 *   export default async function (text) { … }         a default-exported function
 *   export async function createEmbedder() { … }       a factory (sync or async) returning the function
 * CommonJS (`module.exports = { embed }`, `module.exports = async (text) => …`) works the same way.
 * It may also export `model` (a string), shown in the report.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestEmbedder } from '../../libs/ai-cache/src/semantic/test-embedder';
import { renderReport } from './report';
import { DEFAULT_MIN_PRECISION, DEFAULT_THRESHOLDS, evaluate, loadDataset } from './semantic-eval';

type Embed = (text: string) => Promise<ArrayLike<number>>;

const USAGE = `usage: npm run semantic:eval -- --embedder <module> [--dataset FILE] [--thresholds 0.8,0.85,…] [--min-precision 0.99] [--json FILE] [--concurrency 8]
       npm run semantic:eval -- --test-embedder    (the built-in test embedder: word hashing, NOT a semantic model)
The module exports \`embed(text)\`, a default function, or \`createEmbedder()\` returning one (see README, "Semantic match").`;

interface Cli {
  embedder?: string;
  testEmbedder: boolean;
  dataset: string;
  thresholds: number[];
  minPrecision: number;
  json?: string;
  concurrency: number;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { testEmbedder: false, dataset: defaultDatasetPath(), thresholds: DEFAULT_THRESHOLDS, minPrecision: DEFAULT_MIN_PRECISION, concurrency: 8 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    const number = (text: string, name: string) => {
      const parsed = Number(text);
      if (text.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`${name} must be a number (received ${JSON.stringify(text)})`);
      return parsed;
    };
    if (arg === '--embedder') cli.embedder = value();
    else if (arg === '--test-embedder') cli.testEmbedder = true;
    else if (arg === '--dataset') cli.dataset = value();
    else if (arg === '--thresholds') cli.thresholds = value().split(',').map((t) => number(t, '--thresholds'));
    else if (arg === '--min-precision') cli.minPrecision = number(value(), '--min-precision');
    else if (arg === '--json') cli.json = value();
    else if (arg === '--concurrency') cli.concurrency = number(value(), '--concurrency');
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${arg}`);
  }
  if (cli.embedder === undefined && !cli.testEmbedder) throw new UsageError('--embedder <module> is required (or --test-embedder for the built-in test embedder)');
  if (cli.embedder !== undefined && cli.testEmbedder) throw new UsageError('give either --embedder or --test-embedder, not both');
  if (!Number.isInteger(cli.concurrency) || cli.concurrency < 1) throw new UsageError('--concurrency must be a positive integer');
  return cli;
}

/** The dataset next to the sources (scripts/semantic-eval/), also when running the compiled copy in dist/. */
function defaultDatasetPath(): string {
  return resolve(process.cwd(), 'scripts/semantic-eval/semantic-pairs.json');
}

/** Loads the embedder module and finds its embed function (see the header for what is accepted). */
export async function loadEmbedder(specifier: string, cwd = process.cwd()): Promise<{ embed: Embed; model?: string }> {
  const resolved = specifier.startsWith('.') || isAbsolute(specifier) ? resolve(cwd, specifier) : createRequire(join(cwd, 'noop.js')).resolve(specifier);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await importModule(resolved)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot load the embedder module ${specifier}: ${(error as Error).message.split('\n')[0]}`);
  }
  const exportsOf = [loaded, (loaded.default ?? {}) as Record<string, unknown>];
  const model = exportsOf.map((e) => e.model).find((m): m is string => typeof m === 'string');
  for (const candidate of exportsOf) if (typeof candidate.embed === 'function') return { embed: candidate.embed as Embed, model };
  if (typeof loaded.default === 'function') return { embed: loaded.default as Embed, model };
  for (const candidate of exportsOf) {
    if (typeof candidate.createEmbedder === 'function') {
      const embed: unknown = await (candidate.createEmbedder as () => unknown)();
      if (typeof embed !== 'function') throw new UsageError(`${specifier}: createEmbedder() must return the embed function (returned ${typeof embed})`);
      return { embed: embed as Embed, model };
    }
  }
  throw new UsageError(`${specifier} exports no embed function: export \`embed(text)\`, a default function, or \`createEmbedder()\``);
}

/** CommonJS through require, ESM (and CommonJS that require cannot load) through a real dynamic import. */
async function importModule(path: string): Promise<unknown> {
  try {
    return require(path) as unknown;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    // Written so that the TypeScript compiler (CommonJS output) keeps it an import(), not a require().
    const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
    return dynamicImport(pathToFileURL(path).href);
  }
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  let embed: Embed;
  let name: string;
  if (cli.testEmbedder) {
    embed = createTestEmbedder();
    name = 'built-in test embedder (word hashing: NOT a semantic model; these figures say nothing about a real embedding model)';
    process.stderr.write('semantic-eval: NOTE: --test-embedder measures the built-in word-hashing test embedder, which is NOT a semantic model.\n');
  } else {
    const loaded = await loadEmbedder(cli.embedder as string);
    embed = loaded.embed;
    name = `${cli.embedder}${loaded.model ? ` (model ${loaded.model})` : ''}`;
  }
  const pairs = loadDataset(cli.dataset);
  const report = await evaluate(embed, pairs, { thresholds: cli.thresholds, minPrecision: cli.minPrecision, concurrency: cli.concurrency });
  console.log(renderReport(report, name));
  if (cli.json) {
    writeFileSync(cli.json, `${JSON.stringify({ embedder: name, datasetPath: cli.dataset, ...report }, null, 2)}\n`);
    process.stderr.write(`semantic-eval: wrote ${cli.json}\n`);
  }
}

if (require.main === module) {
  main().then(
    // An embedder may leave sockets or timers behind (HTTP keep-alive); the evaluation is over.
    () => process.exit(0),
    (error: unknown) => {
      console.error(`semantic-eval: ${(error as Error).message}`);
      if (error instanceof UsageError) console.error(USAGE);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
