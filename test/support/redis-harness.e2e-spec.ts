import { existsSync } from 'node:fs';
import {
  findFreePort,
  ping,
  RedisServer,
  runningRedisPids,
  startCluster,
  startRedis,
  stopAllRedisServers,
} from './redis-harness';

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
});
