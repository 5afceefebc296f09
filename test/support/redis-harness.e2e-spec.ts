import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  findFreePort,
  LOOPBACK,
  ping,
  pingTls,
  type RedisAclUser,
  RedisServer,
  runningRedisPids,
  startCluster,
  startRedis,
  stopAllRedisServers,
} from './redis-harness';
import { createTestCertificates, type TestCertificates } from './tls-certificates';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('redis harness', () => {
  afterAll(async () => {
    await stopAllRedisServers();
    expect(runningRedisPids()).toEqual([]);
  });

  it('finds free loopback ports that are never the shared 6379', async () => {
    const ports = await Promise.all(Array.from({ length: 5 }, () => findFreePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(6379);
    }
  });

  it('starts a server that answers, in its own dir, and stops it by pid', async () => {
    const server = await startRedis();
    expect(server.port).not.toBe(6379);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect((await server.cli('PING')).trim()).toBe('PONG');
    const config = await server.cli('CONFIG', 'GET', 'dir');
    expect(config).toContain(server.dir);
    expect((await server.cli('CONFIG', 'GET', 'save')).split('\n')[1]).toBe('');

    const pid = server.pid!;
    expect(isAlive(pid)).toBe(true);
    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('runs servers side by side on distinct ports', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    expect(a.port).not.toBe(b.port);
    await a.cli('SET', 'k', 'a');
    expect((await b.cli('GET', 'k')).trim()).toBe('');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps data across restart() on the same port with appendonly on', async () => {
    const server = await startRedis({ appendOnly: true });
    const port = server.port;
    await server.cli('SET', 'kept', 'yes');
    const firstPid = server.pid;
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(firstPid);
    expect((await server.cli('GET', 'kept')).trim()).toBe('yes');
    await server.stop();
  });

  it('loses data on restart() without appendonly (no RDB either: --save "")', async () => {
    const server = await startRedis();
    await server.cli('SET', 'gone', 'yes');
    await server.restart();
    expect((await server.cli('EXISTS', 'gone')).trim()).toBe('0');
    await server.stop();
  });

  it('kill9() crashes the process, and restart() brings it back on the same port', async () => {
    const server = await startRedis();
    const pid = server.pid!;
    await server.kill9();
    expect(isAlive(pid)).toBe(false);
    expect(server.isRunning).toBe(false);
    await expect(server.cli('PING')).rejects.toThrow();
    await server.restart();
    expect((await server.cli('PING')).trim()).toBe('PONG');
    await server.stop();
  });

  it('pause() hangs the server without closing its port; resume() wakes it; stop() works on a paused one', async () => {
    const server = await startRedis();
    server.pause();
    expect(await ping(server.port, 300)).toBeUndefined();
    server.resume();
    expect(await ping(server.port)).toBe('PONG');
    server.pause();
    const pid = server.pid!;
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('stopAllRedisServers() stops whatever is still running', async () => {
    const servers: RedisServer[] = [await startRedis(), await startRedis()];
    const pids = servers.map((server) => server.pid!);
    await stopAllRedisServers();
    expect(pids.every((pid) => !isAlive(pid))).toBe(true);
    expect(runningRedisPids()).toEqual([]);
  });

  it('starts a 3-master cluster with every slot covered', async () => {
    const cluster = await startCluster(3);
    try {
      expect(cluster.nodes).toHaveLength(3);
      const info = await cluster.nodes[0].cli('CLUSTER', 'INFO');
      expect(info).toMatch(/cluster_state:ok/);
      expect(info).toMatch(/cluster_slots_assigned:16384/);
      expect(info).toMatch(/cluster_known_nodes:3/);
      const masters = (await cluster.nodes[1].cli('CLUSTER', 'NODES')).split('\n').filter((line) => line.includes('master'));
      expect(masters).toHaveLength(3);
    } finally {
      await cluster.stop();
    }
    expect(cluster.nodes.every((node) => !node.isRunning)).toBe(true);
  });

  describe('TLS', () => {
    let certificates: TestCertificates;

    beforeAll(async () => {
      certificates = await createTestCertificates();
    });
    afterAll(() => certificates?.remove());

    it('makes a CA, a server certificate for 127.0.0.1 and localhost, a client certificate, and an unrelated CA', () => {
      const ca = new X509Certificate(certificates.ca.cert);
      const otherCa = new X509Certificate(certificates.otherCa.cert);
      const server = new X509Certificate(certificates.server.cert);
      const client = new X509Certificate(certificates.client.cert);
      const untrusted = new X509Certificate(certificates.untrustedClient.cert);
      expect(ca.ca).toBe(true);
      expect(server.ca).toBe(false);
      expect(server.verify(ca.publicKey)).toBe(true);
      expect(server.verify(otherCa.publicKey)).toBe(false);
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkHost('localhost')).toBe('localhost');
      expect(server.checkHost('example.com')).toBeUndefined();
      expect(client.verify(ca.publicKey)).toBe(true);
      expect(untrusted.verify(ca.publicKey)).toBe(false);
      expect(untrusted.verify(otherCa.publicKey)).toBe(true);
      expect(server.checkPrivateKey(createPrivateKey(certificates.server.key))).toBe(true);
      expect(client.checkPrivateKey(createPrivateKey(certificates.client.key))).toBe(true);
      for (const files of [certificates.ca, certificates.server, certificates.client, certificates.otherCa, certificates.untrustedClient]) {
        expect(existsSync(files.certFile)).toBe(true);
        expect(existsSync(files.keyFile)).toBe(true);
      }
    });

    it('starts a TLS-only server: rediss:// url, TLS PING and cli, no plaintext listener; restart keeps TLS', async () => {
      const server = await startRedis({ tls: { certificates } });
      expect(server.url).toBe(`rediss://127.0.0.1:${server.port}`);
      expect(await ping(server.port, 500, certificates)).toBe('PONG');
      // Plaintext on the TLS port gets no PONG, and no plaintext port is listening at all.
      expect(await ping(server.port, 500)).toBeUndefined();
      expect((await server.cli('CONFIG', 'GET', 'port')).split('\n')[1]).toBe('0');
      expect((await server.cli('CONFIG', 'GET', 'tls-port')).split('\n')[1]).toBe(String(server.port));
      await server.cli('SET', 'k', 'v');
      await server.restart();
      expect((await server.cli('PING')).trim()).toBe('PONG');
      expect(await ping(server.port, 500)).toBeUndefined();
      await server.stop();
    });

    it('with authClients yes, refuses a TLS client without a certificate or with one from another CA', async () => {
      const server = await startRedis({ tls: { certificates, authClients: 'yes' } });
      expect(await ping(server.port, 500, certificates)).toBe('PONG');
      const base = { host: LOOPBACK, port: server.port, ca: certificates.ca.cert, servername: 'localhost' };
      expect(await pingTls(base)).toBeUndefined();
      expect(await pingTls({ ...base, cert: certificates.untrustedClient.cert, key: certificates.untrustedClient.key })).toBeUndefined();
      expect(await pingTls({ ...base, cert: certificates.client.cert, key: certificates.client.key })).toBe('PONG');
      await server.stop();
    });

    it('a client trusting only the unrelated CA cannot connect', async () => {
      const server = await startRedis({ tls: { certificates } });
      expect(await pingTls({ host: LOOPBACK, port: server.port, ca: certificates.otherCa.cert, servername: 'localhost' })).toBeUndefined();
      expect(await pingTls({ host: LOOPBACK, port: server.port, ca: certificates.ca.cert, servername: 'localhost' })).toBe('PONG');
      await server.stop();
    });

    it('starts a 3-master cluster speaking TLS on clients and bus', async () => {
      const cluster = await startCluster(3, { tls: { certificates } });
      try {
        expect(await cluster.nodes[0].cli('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/);
        expect(cluster.nodes.every((node) => node.url.startsWith('rediss://'))).toBe(true);
        expect(await ping(cluster.nodes[2].port, 500)).toBeUndefined();
      } finally {
        await cluster.stop();
      }
    });
  });

  describe('ACL users', () => {
    const reader: RedisAclUser = { name: 'reader', password: 'p@ss:w/rd%', rules: 'resetkeys resetchannels -@all +get +ping ~app:* &app:*' };

    it('runs commands as a restricted user, refuses the rest, and reports refusals in ACL LOG', async () => {
      const server = await startRedis({ aclUsers: [reader] });
      expect(server.urlFor(reader)).toBe(`redis://reader:p%40ss%3Aw%2Frd%25@127.0.0.1:${server.port}`);
      await server.cli('SET', 'app:1', 'one');
      await server.cli('SET', 'other:1', 'two');
      expect((await server.cliAs(reader, 'GET', 'app:1')).trim()).toBe('one');
      expect(await server.cliAs(reader, 'GET', 'other:1')).toMatch(/NOPERM/);
      expect(await server.cliAs(reader, 'SET', 'app:1', 'x')).toMatch(/NOPERM/);
      expect(await server.cliAs(reader, 'FLUSHDB')).toMatch(/NOPERM/);
      await expect(server.cliAs({ ...reader, password: 'wrong' }, 'PING')).rejects.toThrow(/WRONGPASS|invalid username-password/i);
      const log = await server.aclLog();
      expect(log).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ reason: 'key', object: 'other:1', username: 'reader' }),
          expect.objectContaining({ reason: 'command', object: 'set', username: 'reader' }),
          expect.objectContaining({ reason: 'command', object: 'flushdb', username: 'reader' }),
          expect.objectContaining({ reason: 'auth', username: 'reader' }),
        ]),
      );
      // The aclfile lives in the server's dir: the user survives a restart.
      await server.restart();
      expect((await server.cliAs(reader, 'PING')).trim()).toBe('PONG');
      expect(await server.aclLog()).toEqual([]);
      await server.stop();
    });

    it('combines ACL users with TLS', async () => {
      const certificates = await createTestCertificates();
      try {
        const server = await startRedis({ tls: { certificates }, aclUsers: [reader] });
        expect(server.urlFor(reader)).toMatch(/^rediss:\/\/reader:/);
        expect((await server.cliAs(reader, 'PING')).trim()).toBe('PONG');
        expect(await server.cliAs(reader, 'CONFIG', 'GET', 'port')).toMatch(/NOPERM/);
        await server.stop();
      } finally {
        certificates.remove();
      }
    });

    it('rejects user names and passwords that would break the aclfile', async () => {
      await expect(startRedis({ aclUsers: [{ ...reader, name: 'a b' }] })).rejects.toThrow('ACL user name');
      await expect(startRedis({ aclUsers: [{ ...reader, password: 'a b' }] })).rejects.toThrow('password');
    });
  });
});
