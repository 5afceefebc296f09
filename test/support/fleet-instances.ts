/**
 * A fleet of app instances as separate OS processes (test/support/fleet-instance.child.js), each
 * running the compiled library against the same redis-server, driven over IPC. The parent counts
 * every model call of the fleet as it starts, and can SIGKILL the process that is computing.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** Compiles the library as published (`tsc -p libs/ai-cache/tsconfig.lib.json`) into a temp dir; returns it. */
export function compileLibrary(): { dist: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ai-cache-fleet-'));
  const dist = join(dir, 'dist');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'libs/ai-cache/tsconfig.lib.json'), '--outDir', dist], { stdio: 'pipe' });
  return { dist, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ComputeReport {
  pid: number;
  at: number;
}

export interface BurstResult {
  ms: number;
  results: Array<{ ok: true; value: { answer: string; by: number; at: number }; status: 'hit' | 'stale' | 'miss' | 'coalesced'; ms: number } | { ok: false; error: string }>;
}

export interface FleetInstance {
  readonly pid: number;
  burst(message: { n: number; request: object; computeMs: number; answer?: string; failFirstOf?: string; callOptions?: object }): Promise<BurstResult>;
  lookup(request: object): Promise<{ hit: { response: unknown; stale?: boolean; tier: string } | null; ms: number }>;
  stats(): Promise<{ stats: Record<string, unknown>; prometheus: string }>;
  kill(): void;
  close(): Promise<void>;
}

export interface Fleet {
  instances: FleetInstance[];
  /** Every model call the fleet started, in order. */
  computes: ComputeReport[];
  /** Resolves with the next model call that starts anywhere in the fleet. */
  nextCompute(): Promise<ComputeReport>;
  close(): Promise<void>;
}

/** Starts `count` instances with the same CacheModule options; resolves when all are ready. */
export async function startFleet(dist: string, count: number, options: object): Promise<Fleet> {
  const computes: ComputeReport[] = [];
  let computeListeners: Array<(report: ComputeReport) => void> = [];
  const onCompute = (report: ComputeReport) => {
    computes.push(report);
    const listeners = computeListeners;
    computeListeners = [];
    for (const listener of listeners) listener(report);
  };
  const instances = await Promise.all(Array.from({ length: count }, () => startInstance(dist, options, onCompute)));
  return {
    instances,
    computes,
    nextCompute: () => new Promise((resolveCompute) => computeListeners.push(resolveCompute)),
    close: async () => {
      await Promise.all(instances.map((instance) => instance.close()));
    },
  };
}

function startInstance(dist: string, options: object, onCompute: (report: ComputeReport) => void): Promise<FleetInstance> {
  const child: ChildProcess = fork(join(__dirname, 'fleet-instance.child.js'), [], {
    env: { ...process.env, AI_CACHE_DIST: dist, AI_CACHE_OPTIONS: JSON.stringify(options), NODE_PATH: join(ROOT, 'node_modules') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  let exited = false;
  const exit = new Promise<void>((resolveExit) => child.once('exit', () => {
    exited = true;
    for (const reply of pending.values()) reply({ error: 'instance exited' });
    pending.clear();
    resolveExit();
  }));

  const ask = <T>(message: Record<string, unknown>): Promise<T> => {
    if (exited) return Promise.reject(new Error('instance exited'));
    const id = nextId++;
    return new Promise<T>((resolveReply, reject) => {
      pending.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolveReply(reply as T)));
      child.send({ ...message, id });
    });
  };

  return new Promise<FleetInstance>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => rejectReady(new Error('fleet instance did not start within 20 s')), 20_000);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.event === 'ready') {
        clearTimeout(timer);
        resolveReady({
          pid: child.pid!,
          burst: (burst) => ask<BurstResult>({ cmd: 'burst', ...burst }),
          lookup: (request) => ask({ cmd: 'lookup', request }),
          stats: () => ask({ cmd: 'stats' }),
          kill: () => child.kill('SIGKILL'),
          close: async () => {
            if (!exited) child.send({ cmd: 'close' });
            const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exit;
            clearTimeout(timeout);
          },
        });
      } else if (message.event === 'compute') {
        onCompute({ pid: message.pid as number, at: Date.now() });
      } else if (message.event === 'result') {
        const reply = pending.get(message.id as number);
        pending.delete(message.id as number);
        reply?.(message);
      } else if (message.event === 'fatal') {
        clearTimeout(timer);
        rejectReady(new Error(String(message.error)));
      }
    });
  });
}
