import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AIResponseCacheService, CacheModule, type CacheModuleOptions, CacheMonitorService, cacheConfig } from '@app/ai-cache';
import { clearCacheEnvironment } from './support/demo-app';
import { LOOPBACK, type RedisClusterHandle, RedisServer, startCluster, startRedis, stopAllRedisServers, waitUntil } from './support/redis-harness';
import { createTestCertificates, type TestCertificates } from './support/tls-certificates';

const REQUEST = { text: 'TLS keeps cached answers private on the wire.', operation: 'summarize' };
const CONNECT_TIMEOUT_MS = 1000;
/** The first byte of a TLS record carrying a handshake message (a ClientHello opens every TLS connection). */
const TLS_HANDSHAKE_RECORD = 0x16;

/** Collects what the app logs, so a test can count warnings. */
class RecordingLogger implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

/** The commands a server has run since its last CONFIG RESETSTAT (`cmdstat_client|setname` → `client`). */
async function commandsSeen(server: RedisServer): Promise<string[]> {
  return Object.keys(await server.info('commandstats')).map((name) => name.replace(/^cmdstat_/, '').split('|')[0]);
}

/** What the harness itself sends through redis-cli: everything else in commandstats came from the app. */
const HARNESS_COMMANDS = ['info', 'config'];

describe('Redis over TLS through CacheModule (real TLS-only redis-server)', () => {
  const savedEnv = { ...process.env };
  let certs: TestCertificates;
  let server: RedisServer;
  let mutual: RedisServer;
  const apps: INestApplication[] = [];

  async function boot(options: CacheModuleOptions, logger: LoggerService | false = false) {
    const builder = Test.createTestingModule({ imports: [CacheModule.forRoot({ memoryCacheSize: 0, ...options })] });
    // The store is created while the module compiles: the logger must be in place before that.
    const moduleRef = await (logger ? builder.setLogger(logger) : builder).compile();
    const app = moduleRef.createNestApplication({ logger });
    apps.push(app);
    await app.init();
    return { app, cache: app.get(AIResponseCacheService), monitor: app.get(CacheMonitorService) };
  }

  const redisOptions = (target: RedisServer, tls: NonNullable<CacheModuleOptions['redis']>['tls']) => ({
    url: target.url,
    tls,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    commandTimeoutMs: 300,
  });

  beforeAll(async () => {
    certs = await createTestCertificates();
    [server, mutual] = await Promise.all([startRedis({ tls: { certificates: certs } }), startRedis({ tls: { certificates: certs, authClients: 'yes' } })]);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    process.env = { ...savedEnv };
  });

  afterAll(async () => {
    await stopAllRedisServers();
    certs?.remove();
  });

  it('connects over rediss:// trusting the given CA: set/get and AI entries round-trip through AIResponseCacheService', async () => {
    const { cache, monitor } = await boot({ namespace: 'tls_e2e', redis: redisOptions(server, { ca: certs.ca.cert }) });
    expect(await monitor.getHealth()).toMatchObject({ status: 'up', driver: 'redis', redis: { connected: true } });

    await cache.set('user:1', { name: 'Ada' }, '5m');
    expect(await cache.get('user:1')).toEqual({ name: 'Ada' });
    expect(await cache.exists('user:1')).toBe(true);
    expect(await cache.getTtl('user:1')).toBeGreaterThan(290);
    // Stored in Redis (the server only listens on TLS: `port 0`).
    expect((await server.cli('EXISTS', 'tls_e2e:user:1')).trim()).toBe('1');

    await cache.cacheResponse(REQUEST, { summary: 'private' });
    const other = await boot({ namespace: 'tls_e2e', redis: redisOptions(server, { ca: certs.ca.cert }) });
    expect(await other.cache.getCachedResponse(REQUEST)).toMatchObject({ response: { summary: 'private' }, tier: 'redis' });
    expect(await cache.delete('user:1')).toBe(true);
    expect(await other.cache.get('user:1')).toBeUndefined();
    expect((await cache.getCacheStats()).redis).toMatchObject({ status: 'connected', keys: 1 });
  });

  it('a wrong CA fails closed: the app starts degraded, serves from memory, and the server never runs a command', async () => {
    const fresh = await startRedis({ tls: { certificates: certs } });
    await fresh.cli('CONFIG', 'RESETSTAT');
    const { cache, monitor } = await boot({ namespace: 'tls_wrong_ca', redis: redisOptions(fresh, { ca: certs.otherCa.cert }) });

    expect(await monitor.getHealth()).toMatchObject({ status: 'degraded', redis: { connected: false } });
    await cache.cacheResponse(REQUEST, { summary: 'kept in memory' });
    expect(await cache.getCachedResponse(REQUEST)).toMatchObject({ response: { summary: 'kept in memory' }, tier: 'memory' });
    await cache.set('user:1', 'memory only');
    expect(await cache.get('user:1')).toBe('memory only');

    // The client kept trying (reconnects with backoff), and every attempt ended at the handshake.
    expect(await waitUntil(async () => Number((await fresh.info('stats')).total_connections_received) >= 3, { attempts: 100, intervalMs: 50 })).toBe(true);
    expect((await commandsSeen(fresh)).filter((name) => !HARNESS_COMMANDS.includes(name))).toEqual([]);
    expect((await fresh.cli('DBSIZE')).trim()).toBe('0');
    // redis-server logs each refused handshake; a plaintext command on its TLS port would log
    // OpenSSL's "wrong version number" instead: the client never fell back to plaintext.
    const log = readFileSync(join(fresh.dir, 'redis.log'), 'utf8');
    expect(log).toMatch(/Error accepting a client connection/);
    expect(log).not.toMatch(/wrong version number|http request/i);
    await fresh.stop();
  });

  it('every connection attempt opens with a TLS ClientHello, never a Redis command, even while refused', async () => {
    const recorder = await startFirstBytesRecorder();
    try {
      const { monitor } = await boot({ namespace: 'tls_recorded', redis: { url: `rediss://${LOOPBACK}:${recorder.port}`, tls: { ca: certs.ca.cert }, connectTimeoutMs: 300 } });
      expect((await monitor.getHealth()).status).toBe('degraded');
      expect(await waitUntil(() => recorder.firstChunks.length >= 3, { attempts: 100, intervalMs: 50 })).toBe(true);
      for (const chunk of recorder.firstChunks) {
        expect(chunk[0]).toBe(TLS_HANDSHAKE_RECORD);
        expect(chunk.toString('latin1')).not.toMatch(/SETNAME|INFO|PING|\*\d\r\n/);
      }
    } finally {
      await recorder.close();
    }
  });

  it('checks the server certificate against servername when one is given', async () => {
    const named = await boot({ namespace: 'tls_named', redis: redisOptions(server, { ca: certs.ca.cert, servername: 'localhost' }) });
    expect((await named.monitor.getHealth()).status).toBe('up');
    const misnamed = await boot({ namespace: 'tls_misnamed', redis: redisOptions(server, { ca: certs.ca.cert, servername: 'cache.example.com' }) });
    expect((await misnamed.monitor.getHealth()).status).toBe('degraded');
  });

  it('rejectUnauthorized: false connects without verifying, and says so once in the log', async () => {
    const logger = new RecordingLogger();
    const { cache, monitor } = await boot({ namespace: 'tls_unverified', redis: redisOptions(server, { ca: certs.otherCa.cert, rejectUnauthorized: false }) }, logger);
    expect((await monitor.getHealth()).status).toBe('up');
    await cache.set('k', 1);
    expect(await cache.get('k')).toBe(1);
    expect(logger.warnings.filter((message) => message.includes('rejectUnauthorized'))).toHaveLength(1);

    const verified = new RecordingLogger();
    await boot({ namespace: 'tls_verified', redis: redisOptions(server, { ca: certs.ca.cert }) }, verified);
    expect(verified.warnings.filter((message) => message.includes('rejectUnauthorized'))).toEqual([]);
  });

  describe('mutual TLS (--tls-auth-clients yes)', () => {
    it('connects with the client certificate and key', async () => {
      const { cache, monitor } = await boot({
        namespace: 'mtls',
        redis: redisOptions(mutual, { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key }),
      });
      expect((await monitor.getHealth()).status).toBe('up');
      await cache.cacheResponse(REQUEST, 'mutual');
      expect(await cache.getCachedResponse(REQUEST)).toMatchObject({ response: 'mutual', tier: 'redis' });
    });

    it('is refused without a client certificate, or with one from another CA: degraded, and no command reached the server', async () => {
      await mutual.cli('CONFIG', 'RESETSTAT');
      const without = await boot({ namespace: 'mtls_none', redis: redisOptions(mutual, { ca: certs.ca.cert }) });
      const untrusted = await boot({
        namespace: 'mtls_untrusted',
        redis: redisOptions(mutual, { ca: certs.ca.cert, cert: certs.untrustedClient.cert, key: certs.untrustedClient.key }),
      });
      expect((await without.monitor.getHealth()).status).toBe('degraded');
      expect((await untrusted.monitor.getHealth()).status).toBe('degraded');
      await without.cache.set('k', 'memory');
      expect(await without.cache.get('k')).toBe('memory');
      expect((await commandsSeen(mutual)).filter((name) => !HARNESS_COMMANDS.includes(name))).toEqual([]);
    });
  });

  describe('configured from the environment', () => {
    const bootFromEnv = async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), CacheModule.forRootAsync(cacheConfig.asProvider())],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      apps.push(app);
      await app.init();
      return app;
    };

    it('REDIS_URL=rediss://… with REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE reaches the mutual-TLS server', async () => {
      clearCacheEnvironment();
      Object.assign(process.env, {
        REDIS_URL: mutual.url,
        CACHE_NAMESPACE: 'tls_env',
        REDIS_TLS_CA_FILE: certs.ca.certFile,
        REDIS_TLS_CERT_FILE: certs.client.certFile,
        REDIS_TLS_KEY_FILE: certs.client.keyFile,
      });
      const app = await bootFromEnv();
      expect(await app.get(CacheMonitorService).getHealth()).toMatchObject({ status: 'up', redis: { connected: true } });
      const cache = app.get(AIResponseCacheService);
      await cache.set('from:env', 'yes');
      expect(await cache.get('from:env')).toBe('yes');
      expect((await mutual.cli('GET', 'tls_env:from:env')).length).toBeGreaterThan(0);
    });

    it('a missing file fails bootstrap naming its variable', async () => {
      clearCacheEnvironment();
      Object.assign(process.env, { REDIS_URL: mutual.url, REDIS_TLS_CA_FILE: certs.ca.certFile, REDIS_TLS_KEY_FILE: join(certs.dir, 'missing.key') });
      await expect(bootFromEnv()).rejects.toThrow(/REDIS_TLS_KEY_FILE \(ENOENT\)/);
    });

    it('TLS files with a plaintext redis:// url fail bootstrap instead of connecting in plaintext', async () => {
      clearCacheEnvironment();
      Object.assign(process.env, { REDIS_URL: `redis://${LOOPBACK}:${mutual.port}`, REDIS_TLS_CA_FILE: certs.ca.certFile });
      await expect(bootFromEnv()).rejects.toThrow(/`redis\.url`: redis\.tls is set, so the url must use rediss:\/\//);
    });
  });

  describe('Redis Cluster over TLS', () => {
    let cluster: RedisClusterHandle;

    beforeAll(async () => {
      cluster = await startCluster(3, { tls: { certificates: certs } });
    });
    afterAll(() => cluster?.stop());

    it('reaches every master: entries written, read back and invalidated across the slots', async () => {
      const { cache, monitor } = await boot({
        namespace: 'tls_cluster',
        redis: { cluster: { nodes: cluster.seeds.slice(0, 1) }, tls: { ca: certs.ca.cert }, connectTimeoutMs: 3000, commandTimeoutMs: 500 },
      });
      expect((await monitor.getHealth()).status).toBe('up');
      const keys = Array.from({ length: 24 }, (_, i) => `item:${i}`);
      for (const key of keys) await cache.set(key, key);
      expect(await Promise.all(keys.map((key) => cache.get(key)))).toEqual(keys);
      const perNode = await Promise.all(cluster.nodes.map(async (node) => Number((await node.cli('DBSIZE')).trim())));
      expect(perNode.every((count) => count > 0)).toBe(true);
      expect(await cache.invalidateAll('tls e2e')).toBe(keys.length);
      expect(await cache.get(keys[0])).toBeUndefined();
    });
  });
});

/**
 * A loopback TCP listener that records the first bytes of each connection and hangs up: what a client
 * sends before it knows anything about the server. It forwards nothing.
 */
async function startFirstBytesRecorder(): Promise<{ port: number; firstChunks: Buffer[]; close(): Promise<void> }> {
  const firstChunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', (chunk) => {
      firstChunks.push(chunk);
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    firstChunks,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
