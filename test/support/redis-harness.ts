/**
 * Real redis-server processes for tests: each on a free loopback port (never 6379, which belongs to
 * the machine), in its own temp dir, tracked by pid so that everything started here is stopped —
 * by `stopAllRedisServers()` in afterAll, and by a process 'exit' hook if a suite dies before that.
 *
 * Servers can speak TLS only (`tls`, certificates from `createTestCertificates()`), and can have ACL
 * users besides `default` (`aclUsers`), so that a suite can run the library as a restricted user.
 *
 * Only Node built-ins and the `redis-server` / `redis-cli` binaries on PATH: the harness must not
 * depend on the code it is used to test.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { Redis } from 'ioredis';
import type { TestCertificates } from './tls-certificates';

export const LOOPBACK = '127.0.0.1';
/** The machine's shared Redis: tests never start on it nor talk to it. */
const SHARED_REDIS_PORT = 6379;
/** Redis Cluster talks on port + 10000: keep ports low enough for the bus port to exist. */
const CLUSTER_BUS_OFFSET = 10000;
const MAX_PORT_ATTEMPTS = 10;
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const POLL_INTERVAL_MS = 20;

export interface RedisServerOptions {
  /** `--appendonly yes`: data survives `restart()` (and, fsynced once a second, mostly survives `kill9()`). */
  appendOnly?: boolean;
  /** Starts the node with `--cluster-enabled yes` (used by `startCluster`). */
  clusterEnabled?: boolean;
  /** More `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  extraArgs?: string[];
  /**
   * TLS only: `--tls-port <port> --port 0`, so nothing can talk plaintext to this server. `port` and
   * `url` (`rediss://`) are the TLS port's; `cli()` and the readiness PING speak TLS, presenting the
   * client certificate. With `clusterEnabled`, the cluster bus speaks TLS too (`--tls-cluster yes`).
   */
  tls?: RedisTlsServerOptions;
  /**
   * ACL users besides `default` (which keeps every permission: the harness's own `cli()` uses it),
   * written to an aclfile in the server's dir, so they survive `restart()`.
   */
  aclUsers?: RedisAclUser[];
}

export interface RedisTlsServerOptions {
  /** The server presents `certificates.server` and trusts `certificates.ca` for client certificates. */
  certificates: TestCertificates;
  /** `--tls-auth-clients`: `'no'` (default), `'yes'` (mutual TLS: a client certificate from `ca` required), `'optional'`. */
  authClients?: 'yes' | 'no' | 'optional';
}

export interface RedisAclUser {
  /** Letters, digits, `_ . -` (it goes into URLs and the aclfile). */
  name: string;
  /** No whitespace (the aclfile is whitespace separated). */
  password: string;
  /** Permission rules as `ACL SETUSER` takes them, e.g. `resetkeys -@all +get ~app:*`. */
  rules: string;
}

/** One `ACL LOG` entry: what the server refused, and to whom. */
export interface AclLogEntry {
  reason: 'command' | 'key' | 'channel' | 'auth' | string;
  /** The command, key or channel refused. */
  object: string;
  username: string;
  context: string;
  count: number;
}

const running = new Set<RedisServer>();
let exitHookInstalled = false;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One redis-server process (restartable on the same port and dir). */
export class RedisServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private removed = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  /** Starts a server on a free port, retrying with another port when the chosen one was taken meanwhile. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    installExitHook();
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
      const port = await findFreePort({ withClusterBus: options.clusterEnabled === true });
      const dir = mkdtempSync(join(tmpdir(), `redis-harness-${port}-`));
      const server = new RedisServer(port, dir, options);
      try {
        await server.launch();
        return server;
      } catch (error) {
        lastError = error;
        await server.stop();
        if (!(error instanceof PortTakenError)) break;
      }
    }
    throw lastError;
  }

  get host(): string {
    return LOOPBACK;
  }

  /** `redis://127.0.0.1:<port>`, or `rediss://…` for a TLS server. */
  get url(): string {
    return `${this.scheme}://${LOOPBACK}:${this.port}`;
  }

  /** The URL that logs in as `user` (one of `aclUsers`), credentials percent-encoded. */
  urlFor(user: RedisAclUser): string {
    return `${this.scheme}://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@${LOOPBACK}:${this.port}`;
  }

  private get scheme(): 'redis' | 'rediss' {
    return this.options.tls ? 'rediss' : 'redis';
  }

  /** Pid of the running process, undefined while stopped. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get isRunning(): boolean {
    return this.pid !== undefined;
  }

  /** Graceful stop (SIGTERM, then SIGKILL after a grace period); keeps the dir for `restart()`. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) return;
    // A paused process would not act on SIGTERM until continued.
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    if (await this.waitForExit(STOP_GRACE_MS)) return;
    child.kill('SIGKILL');
    await this.waitForExit(STOP_GRACE_MS);
  }

  /** `kill -9`: the crash a fault test wants (no AOF rewrite, no goodbye to clients). */
  async kill9(): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill('SIGKILL');
    await this.waitForExit(STOP_GRACE_MS);
  }

  /** SIGSTOP: the process stays, the port stays open, nothing answers (a hung Redis). */
  pause(): void {
    if (this.child && this.isRunning) this.child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    if (this.child && this.isRunning) this.child.kill('SIGCONT');
  }

  /** Stops (gracefully) if running, then starts again on the same port with the same dir. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.launch();
  }

  /** Stops the process and removes its dir; the server cannot be restarted afterwards. */
  async stop(): Promise<void> {
    await this.shutdown();
    running.delete(this);
    if (!this.removed) {
      this.removed = true;
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Runs one command with redis-cli against this server (as `default`) and returns its raw output. */
  cli(...args: string[]): Promise<string> {
    return runRedisCli(['-h', LOOPBACK, '-p', String(this.port), ...tlsCliArgs(this.options.tls), ...args], 5_000);
  }

  /** Runs one command as `user` (an error reply such as NOPERM is output, not a rejection: redis-cli exits 0). */
  cliAs(user: RedisAclUser, ...args: string[]): Promise<string> {
    return this.cli('--user', user.name, '--pass', user.password, '--no-auth-warning', ...args);
  }

  /** `ACL LOG`: every command, key and channel the server refused (and failed logins), newest first. */
  async aclLog(): Promise<AclLogEntry[]> {
    return JSON.parse((await this.cli('--json', 'ACL', 'LOG')).trim() || '[]') as AclLogEntry[];
  }

  /** One `INFO <section>` as a field → value map. */
  async info(section: string): Promise<Record<string, string>> {
    const fields: Record<string, string> = {};
    for (const line of (await this.cli('INFO', section)).split(/\r?\n/)) {
      const separator = line.indexOf(':');
      if (separator > 0 && !line.startsWith('#')) fields[line.slice(0, separator)] = line.slice(separator + 1);
    }
    return fields;
  }

  private async launch(): Promise<void> {
    if (this.removed) throw new Error(`redis-server on port ${this.port} was stopped for good`);
    const args = [
      ...this.listenArgs(),
      '--bind', LOOPBACK,
      '--dir', this.dir,
      '--save', '',
      '--appendonly', this.options.appendOnly ? 'yes' : 'no',
      '--daemonize', 'no',
      '--logfile', 'redis.log',
      ...(this.options.clusterEnabled
        ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']
        : []),
      ...this.aclArgs(),
      ...(this.options.extraArgs ?? []),
    ];
    // cwd = dir so that relative paths in the config (log file, nodes.conf) stay inside it.
    const child = spawn('redis-server', args, { cwd: this.dir, stdio: 'ignore' });
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    running.add(this);
    await this.waitUntilReady();
  }

  /** Plaintext on `port`, or TLS on `port` with the plaintext listener off (`--port 0`). */
  private listenArgs(): string[] {
    const tls = this.options.tls;
    if (!tls) return ['--port', String(this.port)];
    const { certificates } = tls;
    return [
      '--port', '0',
      '--tls-port', String(this.port),
      '--tls-cert-file', certificates.server.certFile,
      '--tls-key-file', certificates.server.keyFile,
      '--tls-ca-cert-file', certificates.ca.certFile,
      '--tls-auth-clients', tls.authClients ?? 'no',
      ...(this.options.clusterEnabled ? ['--tls-cluster', 'yes'] : []),
    ];
  }

  private aclArgs(): string[] {
    const users = this.options.aclUsers;
    if (!users || users.length === 0) return [];
    const lines = ['user default on nopass ~* &* +@all'];
    for (const user of users) {
      if (!/^[A-Za-z0-9_.-]+$/.test(user.name)) throw new Error(`ACL user name ${JSON.stringify(user.name)}: use letters, digits, _ . -`);
      if (!user.password || /\s/.test(user.password)) throw new Error(`ACL user ${user.name}: the password must be non-empty without whitespace`);
      if (/[\r\n]/.test(user.rules)) throw new Error(`ACL user ${user.name}: rules must be one line`);
      lines.push(`user ${user.name} on >${user.password} ${user.rules}`);
    }
    writeFileSync(join(this.dir, 'users.acl'), `${lines.join('\n')}\n`);
    return ['--aclfile', 'users.acl'];
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.isRunning) {
        const log = this.readLog();
        if (/Address already in use/i.test(log)) throw new PortTakenError(this.port);
        throw new Error(`redis-server on port ${this.port} exited at startup:\n${log}`);
      }
      if ((await ping(this.port, undefined, this.options.tls?.certificates)) === 'PONG') return;
      await sleep(POLL_INTERVAL_MS);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${this.readLog()}`);
  }

  private async waitForExit(ms: number): Promise<boolean> {
    if (!this.exited) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const exited = await Promise.race([this.exited.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return exited;
  }

  private readLog(): string {
    try {
      return readFileSync(join(this.dir, 'redis.log'), 'utf8').slice(-2000);
    } catch {
      return '(no log)';
    }
  }

  /** Synchronous last resort for the process 'exit' hook, where nothing async runs any more. */
  killSync(): void {
    const pid = this.pid;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class PortTakenError extends Error {
  constructor(port: number) {
    super(`port ${port} was taken before redis-server could bind it`);
  }
}

/** A local Redis Cluster: masters only, every slot assigned, `cluster_state:ok` on every node. */
export interface RedisClusterHandle {
  nodes: RedisServer[];
  /** `{ host, port }` seeds for ioredis' Cluster. */
  seeds: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled servers and joins them with `redis-cli --cluster create`.
 * With `tls`, clients and the cluster bus speak TLS only (the nodes present `certificates.server` to each other).
 */
export async function startCluster(masters = 3, options: { tls?: RedisTlsServerOptions } = {}): Promise<RedisClusterHandle> {
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await RedisServer.start({ clusterEnabled: true, tls: options.tls }));
    await runRedisCli([
      ...tlsCliArgs(options.tls),
      '--cluster', 'create',
      ...nodes.map((node) => `${LOOPBACK}:${node.port}`),
      '--cluster-replicas', '0',
      '--cluster-yes',
    ]);
    await waitForClusterOk(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, seeds: nodes.map((node) => ({ host: LOOPBACK, port: node.port })), stop };
}

async function waitForClusterOk(nodes: RedisServer[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const states = await Promise.all(nodes.map((node) => node.cli('CLUSTER', 'INFO')));
    if (states.every((info) => /cluster_state:ok/.test(info))) return;
    await sleep(100);
  }
  throw new Error(`cluster did not reach cluster_state:ok within ${READY_TIMEOUT_MS} ms`);
}

function runRedisCli(args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${stderr || stdout || error.message}`));
      // A failed login only warns, and redis-cli then runs the command as `default`: never let that pass.
      else if (/AUTH failed/.test(stderr)) reject(new Error(`redis-cli ${args.join(' ')}: ${stderr.trim()}`));
      else resolve(stdout);
    });
  });
}

/** redis-cli over TLS: trusts the test CA and presents the client certificate (a mutual-TLS server wants one). */
function tlsCliArgs(tls: RedisTlsServerOptions | undefined): string[] {
  if (!tls) return [];
  const { ca, client } = tls.certificates;
  return ['--tls', '--cacert', ca.certFile, '--cert', client.certFile, '--key', client.keyFile];
}

/**
 * Polls `condition` until it holds, at most `attempts` times `intervalMs` apart (a bounded loop:
 * tests assert on the returned boolean instead of timing anything).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { attempts = 100, intervalMs = 50 }: { attempts?: number; intervalMs?: number } = {},
): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return true;
    await sleep(intervalMs);
  }
  return condition();
}

/** Starts one standalone server (shorthand for `RedisServer.start`). */
export function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  return RedisServer.start(options);
}

/** Stops every server this process started and removes their dirs: call it in afterAll. */
export async function stopAllRedisServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** Pids of the servers currently running (for tests that prove nothing is left behind). */
export function runningRedisPids(): number[] {
  return [...running].map((server) => server.pid).filter((pid): pid is number => pid !== undefined);
}

/**
 * A loopback port nobody listens on now: bind port 0, read what the OS chose, release it.
 * Another process may still take it before redis-server binds it; `RedisServer.start` retries then.
 */
export async function findFreePort(options: { withClusterBus?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindAndRelease(0);
    if (port === SHARED_REDIS_PORT) continue;
    if (!options.withClusterBus) return port;
    const busPort = port + CLUSTER_BUS_OFFSET;
    if (busPort <= 65535 && (await bindAndRelease(busPort).then(() => true, () => false))) return port;
  }
  throw new Error('no free loopback port found');
}

function bindAndRelease(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}

/**
 * One inline PING over a raw socket: 'PONG', or undefined when nothing (or an error) answers in time.
 * With `tls`, over TLS (trusting `tls.ca`, presenting `tls.client`).
 */
export function ping(port: number, timeoutMs = 500, tls?: TestCertificates): Promise<string | undefined> {
  if (tls) return pingTls({ host: LOOPBACK, port, ca: tls.ca.cert, cert: tls.client.cert, key: tls.client.key, servername: 'localhost' }, timeoutMs);
  const socket = new Socket();
  const reply = awaitPong(socket, timeoutMs);
  socket.connect(port, LOOPBACK, () => socket.write('PING\r\n'));
  return reply;
}

/** One PING over TLS with exactly these options (another CA, no client certificate, …): 'PONG' or undefined. */
export function pingTls(options: ConnectionOptions, timeoutMs = 500): Promise<string | undefined> {
  const socket = tlsConnect(options, () => socket.write('PING\r\n'));
  return awaitPong(socket, timeoutMs);
}

function awaitPong(socket: Socket, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let reply = '';
    const finish = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    // A TLS server that refuses the client's certificate closes right after the handshake.
    socket.once('close', () => finish(undefined));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG') ? 'PONG' : undefined);
    });
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of running) server.killSync();
  });
}

/** Every key of a test server, sorted, via SCAN: suites that forbid KEYS must not send it themselves. */
export async function scanAllKeys(client: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await client.scan(cursor, 'COUNT', 1000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}
