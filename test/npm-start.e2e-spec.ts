/**
 * `npm start` and `npm run start:dev` as a newcomer types them (the README's first table): the
 * demo is built by the Nest CLI, starts on the memory driver and answers /health; `start:dev`
 * does so in watch mode. Real processes: each is started in its own process group and stopped
 * (npm, the Nest CLI and the app with it) whatever the outcome.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
/** A cold `nest build` of the demo takes ~20 s on a quiet 2-core machine; the bound only stops a hang. */
const START_TIMEOUT_MS = 150_000;

interface Started {
  url: string;
  output: () => string;
}

describe('npm start / npm run start:dev (the demo, built and run by the Nest CLI)', () => {
  const running: ChildProcess[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map(stopGroup));
  });

  async function start(args: string[]): Promise<Started> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', NO_COLOR: '1', FORCE_COLOR: '0' };
    // What the machine may set must not pick Redis or a real model for the demo.
    for (const name of Object.keys(env)) if (/^(CACHE_|REDIS_|LLM_)/.test(name)) delete env[name];
    const child = spawn('npm', args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm ${args.join(' ')} did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /Listening on (http:\/\/localhost:\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm ${args.join(' ')} exited (${code}) before listening:\n${output}`));
      });
    });
    return { url, output: () => output };
  }

  it('npm start builds and runs the demo: /health answers up on the memory driver', async () => {
    const { url } = await start(['start']);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'up', driver: 'memory' });
  }, START_TIMEOUT_MS + 30_000);

  it('npm run start:dev runs the same demo with the compiler in watch mode', async () => {
    const { url, output } = await start(['run', 'start:dev']);
    expect(output()).toMatch(/Starting compilation in watch mode/);
    expect(output()).toMatch(/Found 0 errors\. Watching for file changes\./);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'up', driver: 'memory' });
  }, START_TIMEOUT_MS + 30_000);
});

/** SIGTERM to the whole group (the app closes its cache on it), SIGKILL if it lingers. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const lingered = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000)))]);
  clearTimeout(timer);
  if (lingered) {
    signal('SIGKILL');
    await exited;
  }
}
