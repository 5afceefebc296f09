import { Cluster, Redis } from 'ioredis';
import { RedisServer, startCluster, startRedis, stopAllRedisServers, type RedisClusterHandle } from '../../../../test/support/redis-harness';
import { createTestCertificates, type TestCertificates } from '../../../../test/support/tls-certificates';
import type { ResolvedRedisTlsOptions } from '../interfaces/resolved-cache-options.interface';
import { createRedisClient, reconnectDelay, RECONNECT_MAX_MS, tlsConnectionOptions, toClusterNode } from './redis-client.factory';
import { isCluster, quitClient, type RedisClient } from './redis-connection';

const CONNECT_TIMEOUT_MS = 1000;

/** Connects a lazy client and reports how it ended up: ready, or the first error it emitted. */
async function connectOutcome(client: RedisClient, waitMs = 1500): Promise<{ ready: boolean; error?: string }> {
  let firstError: string | undefined;
  client.on('error', (error: Error) => (firstError ??= error.message));
  const ready = new Promise<boolean>((resolve) => client.once('ready', () => resolve(true)));
  client.connect().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([ready, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
  clearTimeout(timer);
  return { ready: outcome, error: firstError };
}

describe('createRedisClient', () => {
  let certs: TestCertificates;
  const clients: RedisClient[] = [];
  const track = <T extends RedisClient>(client: T): T => {
    clients.push(client);
    return client;
  };
  const tls = (overrides: Partial<ResolvedRedisTlsOptions> = {}): ResolvedRedisTlsOptions => ({ ca: certs.ca.cert, rejectUnauthorized: true, ...overrides });

  beforeAll(async () => {
    certs = await createTestCertificates();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => quitClient(client)));
  });
  afterAll(async () => {
    await stopAllRedisServers();
    certs?.remove();
  });

  describe('settings', () => {
    it('builds a lazy standalone client that fails fast and names its connection', () => {
      const client = track(createRedisClient({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 700 })) as Redis;
      expect(isCluster(client)).toBe(false);
      expect(client.status).toBe('wait');
      expect(client.options).toMatchObject({
        lazyConnect: true,
        enableOfflineQueue: false,
        connectTimeout: 700,
        maxRetriesPerRequest: 1,
        autoResendUnfulfilledCommands: false,
        connectionName: 'nestjs-ai-cache',
      });
      expect(client.options.tls).toBeUndefined();
    });

    it('passes only the TLS settings that were given, verification explicit', () => {
      expect(tlsConnectionOptions({ rejectUnauthorized: true })).toEqual({ rejectUnauthorized: true });
      expect(tlsConnectionOptions({ ca: 'CA', cert: 'C', key: 'K', servername: 'cache', rejectUnauthorized: false })).toEqual({
        ca: 'CA',
        cert: 'C',
        key: 'K',
        servername: 'cache',
        rejectUnauthorized: false,
      });
    });

    it('gives every cluster node the TLS settings and keeps seed host names for certificate checks', async () => {
      const cluster = track(createRedisClient({ cluster: { nodes: ['cache.internal:7000'] }, tls: tls({ servername: 'localhost' }), connectTimeoutMs: 500 })) as Cluster;
      expect(isCluster(cluster)).toBe(true);
      expect(cluster.options.redisOptions?.tls).toEqual({ ca: certs.ca.cert, servername: 'localhost', rejectUnauthorized: true });
      const resolved = await new Promise<string>((resolve) => cluster.options.dnsLookup?.('cache.internal', (_error, address) => resolve(address)));
      expect(resolved).toBe('cache.internal');
      const plain = track(createRedisClient({ cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }] }, connectTimeoutMs: 500 })) as Cluster;
      expect(plain.options.redisOptions?.tls).toBeUndefined();
    });

    it('needs a url or cluster nodes', () => {
      expect(() => createRedisClient({ connectTimeoutMs: 1 })).toThrow('a url or cluster nodes are required');
    });

    it('backs off exponentially with jitter, capped', () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const delay = reconnectDelay(attempt);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(RECONNECT_MAX_MS);
      }
      expect(reconnectDelay(30)).toBeGreaterThanOrEqual(RECONNECT_MAX_MS * 0.75);
      expect(toClusterNode('10.0.0.1:7001')).toEqual({ host: '10.0.0.1', port: 7001 });
      expect(toClusterNode({ host: 'h', port: 1 })).toEqual({ host: 'h', port: 1 });
    });
  });

  describe('against a TLS-only redis-server', () => {
    let server: RedisServer;
    let mutual: RedisServer;

    beforeAll(async () => {
      [server, mutual] = await Promise.all([startRedis({ tls: { certificates: certs } }), startRedis({ tls: { certificates: certs, authClients: 'yes' } })]);
    });

    it('connects over rediss:// trusting the given CA, and commands round-trip', async () => {
      const client = track(createRedisClient({ url: server.url, tls: tls(), connectTimeoutMs: CONNECT_TIMEOUT_MS })) as Redis;
      expect(await connectOutcome(client)).toEqual({ ready: true, error: undefined });
      await client.set('tls:k', 'v');
      expect(await client.get('tls:k')).toBe('v');
      expect((await server.cli('CLIENT', 'LIST')).includes('name=nestjs-ai-cache')).toBe(true);
    });

    it('refuses a server whose certificate does not chain to the CA, or names another host', async () => {
      const wrongCa = track(createRedisClient({ url: server.url, tls: tls({ ca: certs.otherCa.cert }), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      const wrongName = track(createRedisClient({ url: server.url, tls: tls({ servername: 'cache.example.com' }), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      const [ca, name] = await Promise.all([connectOutcome(wrongCa), connectOutcome(wrongName)]);
      expect(ca.ready).toBe(false);
      expect(ca.error).toMatch(/certificate/i);
      expect(name.ready).toBe(false);
      expect(name.error).toMatch(/Hostname\/IP does not match|altnames/i);
    });

    it('checks the certificate against servername when one is given', async () => {
      const client = track(createRedisClient({ url: server.url, tls: tls({ servername: 'localhost' }), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      expect((await connectOutcome(client)).ready).toBe(true);
    });

    it('with rejectUnauthorized false, connects whatever the CA', async () => {
      const client = track(createRedisClient({ url: server.url, tls: { ca: certs.otherCa.cert, rejectUnauthorized: false }, connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      expect((await connectOutcome(client)).ready).toBe(true);
    });

    it('mutual TLS: connects with the client certificate and is refused without it', async () => {
      const withCert = track(createRedisClient({ url: mutual.url, tls: tls({ cert: certs.client.cert, key: certs.client.key }), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      const without = track(createRedisClient({ url: mutual.url, tls: tls(), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      const [ok, refused] = await Promise.all([connectOutcome(withCert), connectOutcome(without)]);
      expect(ok.ready).toBe(true);
      expect(refused.ready).toBe(false);
      expect(refused.error).toBeDefined();
    });
  });

  describe('against a TLS cluster', () => {
    let cluster: RedisClusterHandle;

    beforeAll(async () => {
      cluster = await startCluster(3, { tls: { certificates: certs } });
    });
    afterAll(() => cluster?.stop());

    it('reaches every master over TLS (keys spread over all slots)', async () => {
      const client = track(createRedisClient({ cluster: { nodes: cluster.seeds.slice(0, 1) }, tls: tls(), connectTimeoutMs: CONNECT_TIMEOUT_MS })) as Cluster;
      expect((await connectOutcome(client, 5000)).ready).toBe(true);
      const keys = Array.from({ length: 30 }, (_, i) => `spread:${i}`);
      for (const key of keys) await client.set(key, key);
      expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
      const perNode = await Promise.all(cluster.nodes.map(async (node) => Number((await node.info('keyspace')).db0?.match(/keys=(\d+)/)?.[1] ?? 0)));
      expect(perNode.every((count) => count > 0)).toBe(true);
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(keys.length);
    });

    it('refuses the cluster with the wrong CA', async () => {
      const client = track(createRedisClient({ cluster: { nodes: cluster.seeds.slice(0, 1) }, tls: tls({ ca: certs.otherCa.cert }), connectTimeoutMs: CONNECT_TIMEOUT_MS }));
      expect((await connectOutcome(client)).ready).toBe(false);
    });
  });
});
