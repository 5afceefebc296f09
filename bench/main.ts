/**
 * `npm run bench [-- --json FILE] [--markdown] [--reps N] [--only memory,redis,…] [--smoke]`
 *
 * Prints the comparison table; `--json FILE` also writes every figure (each repetition included);
 * `--markdown` prints the table as markdown (the README's Performance section). Exit code 0 even when
 * a target fails: the table says which, and a benchmark is not a test.
 */
import { writeFileSync } from 'node:fs';
import { MIN_REPS, SCENARIO_MODULES, runBenchmark } from './benchmark';
import { renderMarkdown, renderText } from './support/report';
import { stopAllRedisServers } from '../test/support/redis-harness';

interface Cli {
  json?: string;
  markdown: boolean;
  reps: number;
  only?: string[];
  smoke: boolean;
}

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { markdown: false, reps: MIN_REPS, smoke: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--json') cli.json = value();
    else if (arg === '--markdown') cli.markdown = true;
    else if (arg === '--reps') cli.reps = Number(value());
    else if (arg === '--only') cli.only = value().split(',').filter(Boolean);
    else if (arg === '--smoke') cli.smoke = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(`usage: npm run bench -- [--json FILE] [--markdown] [--reps N>=${MIN_REPS}] [--only ${Object.keys(SCENARIO_MODULES).join(',')}] [--smoke]`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (!Number.isInteger(cli.reps) || cli.reps < MIN_REPS) throw new Error(`--reps must be an integer >= ${MIN_REPS}`);
  return cli;
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  // Ctrl-C: stop our redis-server (by pid) before leaving.
  process.once('SIGINT', () => void stopAllRedisServers().finally(() => process.exit(130)));
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  const report = await runBenchmark({
    smoke: cli.smoke,
    reps: cli.reps,
    only: cli.only,
    command,
    log: (message) => process.stderr.write(`[bench] ${message}\n`),
  });
  console.log(cli.markdown ? renderMarkdown(report) : renderText(report));
  if (cli.json) {
    writeFileSync(cli.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`[bench] wrote ${cli.json}\n`);
  }
}

main().then(
  // Peers' clients may leave sockets or timers behind; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
