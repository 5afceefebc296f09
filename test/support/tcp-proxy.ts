/**
 * A loopback TCP proxy for fault tests: clients connect to `proxy.port`, bytes are forwarded to
 * `target` both ways, and a test can make chosen connections stop forwarding WITHOUT closing them
 * (a black-holed network path: the socket stays open, nothing arrives, nobody is told), or cut them.
 *
 * Connections are recognised by what their client sent (e.g. the connection that sent SUBSCRIBE), so
 * a test can break only the connection it means to. Only Node built-ins: the harness must not depend
 * on the code under test. Everything is closed by `close()`.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ProxiedConnection {
  readonly id: number;
  /** Everything the client has sent so far (latin1), capped at 64 KB: enough to recognise a connection. */
  readonly sent: string;
  readonly blackholed: boolean;
}

export interface TcpProxy {
  readonly port: number;
  readonly connections: readonly ProxiedConnection[];
  /** Stops forwarding, both ways, on the open connections matching `match` (sockets stay open). Returns how many. */
  blackhole(match: (connection: ProxiedConnection) => boolean): number;
  /** While `on`, every connection opened from now on is black-holed from its first byte. */
  blackholeNew(on: boolean): void;
  /** Forwards again on the matching connections (bytes sent meanwhile were dropped). */
  restore(match: (connection: ProxiedConnection) => boolean): number;
  /** Destroys the matching connections (both sides see the close). */
  cut(match: (connection: ProxiedConnection) => boolean): number;
  close(): Promise<void>;
}

const MAX_SNIFFED = 64 * 1024;

interface Pair extends ProxiedConnection {
  sent: string;
  blackholed: boolean;
  client: Socket;
  upstream: Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs: Pair[] = [];
  let nextId = 1;
  let holeNew = false;

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: Pair = { id: nextId++, sent: '', blackholed: holeNew, client, upstream };
    pairs.push(pair);
    client.on('data', (chunk: Buffer) => {
      if (pair.sent.length < MAX_SNIFFED) pair.sent += chunk.toString('latin1');
      if (!pair.blackholed) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.blackholed) client.write(chunk);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      const index = pairs.indexOf(pair);
      if (index >= 0) pairs.splice(index, 1);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return pairs.map(({ id, sent, blackholed }) => ({ id, sent, blackholed }));
    },
    blackhole(match) {
      let count = 0;
      for (const pair of pairs) {
        if (!pair.blackholed && match(pair)) {
          pair.blackholed = true;
          count++;
        }
      }
      return count;
    },
    blackholeNew(on) {
      holeNew = on;
    },
    restore(match) {
      let count = 0;
      for (const pair of pairs) {
        if (pair.blackholed && match(pair)) {
          pair.blackholed = false;
          count++;
        }
      }
      return count;
    },
    cut(match) {
      const matching = pairs.filter(match);
      for (const pair of matching) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      return matching.length;
    },
    async close() {
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The connection ioredis opened to receive tracking invalidations (it subscribed to `__redis__:invalidate`). */
export const isInvalidationSubscriber = (connection: ProxiedConnection): boolean => connection.sent.includes('__redis__:invalidate');
