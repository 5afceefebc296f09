import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisClusterNode } from '../interfaces/cache-module-options.interface';
import type { ResolvedRedisTlsOptions } from '../interfaces/resolved-cache-options.interface';
import { isCluster, type RedisClient } from './redis-connection';

/** What building a client needs: a url or cluster seeds, TLS settings, and the connect timeout. */
export interface RedisClientOptions {
  /** `redis://…` or `rediss://…` (TLS with Node's defaults unless `tls` says more). */
  url?: string;
  cluster?: { nodes: Array<RedisClusterNode | string> };
  /** Validated `redis.tls`: used on the standalone connection, and on every node of a cluster. */
  tls?: ResolvedRedisTlsOptions;
  /** Milliseconds one connection attempt may take (TCP and, with TLS, the handshake). */
  connectTimeoutMs: number;
}

export const RECONNECT_BASE_MS = 50;
/** Kept short: after Redis restarts, the cache should be using it again within about a second. */
export const RECONNECT_MAX_MS = 1000;
/**
 * ioredis arms a timer of this length on disconnect() to destroy a socket that does not close; for a
 * socket that is already closed (a client closed while Redis is down) nothing ever clears it, so a
 * long one would hold the process open at shutdown. Default 2000.
 */
export const DISCONNECT_TIMEOUT_MS = 50;

/**
 * The ioredis client the library owns: lazy (connected by the store, bounded by `connectTimeoutMs`),
 * failing fast while disconnected, never replaying a command it gave up on, and over TLS when the url
 * is `rediss://` or `tls` is given. Certificate verification stays on unless `tls.rejectUnauthorized`
 * is false; a failed handshake is a failed connection (retried with backoff), never a plaintext one.
 */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  const common = {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing commands for an unknown time.
    enableOfflineQueue: false,
  };
  const tls = options.tls && tlsConnectionOptions(options.tls);
  const perConnection: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    // A command we already gave up on (timed out) must not be replayed after a reconnect, where a
    // stale SET could overwrite a newer value.
    autoResendUnfulfilledCommands: false,
    connectionName: 'nestjs-ai-cache',
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    ...(tls && { tls }),
  };
  if (options.cluster) {
    const clusterOptions: ClusterOptions = {
      ...common,
      clusterRetryStrategy: reconnectDelay,
      // Every node connection (seeds, and the nodes CLUSTER SLOTS names) gets the same TLS settings.
      redisOptions: perConnection,
      // ioredis resolves seed host names to IPs before connecting; over TLS the certificate is issued
      // for the name, so connect by name and let Node resolve it (ioredis' advice for TLS clusters).
      ...(tls && { dnsLookup: keepHostName }),
    };
    return new Cluster(options.cluster.nodes.map(toClusterNode), clusterOptions);
  }
  if (!options.url) throw new Error('createRedisClient: a url or cluster nodes are required');
  return new Redis(options.url, { ...common, ...perConnection, retryStrategy: reconnectDelay });
}

/** Node's TLS options from `redis.tls`: only what the user set, so Node's defaults apply to the rest. */
export function tlsConnectionOptions(tls: ResolvedRedisTlsOptions): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.servername !== undefined) options.servername = tls.servername;
  return options;
}

function keepHostName(hostname: string, callback: (error: null, address: string) => void): void {
  callback(null, hostname);
}

/** Capped exponential backoff with jitter, so many instances do not reconnect in lockstep. */
export function reconnectDelay(attempt: number): number {
  const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(capped * (0.75 + Math.random() * 0.25));
}

export function toClusterNode(node: RedisClusterNode | string): RedisClusterNode {
  if (typeof node !== 'string') return node;
  const separator = node.lastIndexOf(':');
  return { host: node.slice(0, separator), port: Number(node.slice(separator + 1)) };
}

/**
 * A new lazy connection with the settings of `client`, to the server `node` is (the client's own
 * server when standalone), for a subscriber. Also for a user's client: the new connection is ours to
 * close. TLS and credentials come along with the settings.
 */
export function createSubscriberFor(client: RedisClient, node: Redis): Redis {
  const base = isCluster(client) ? { ...client.options.redisOptions, host: node.options.host, port: node.options.port } : node.options;
  return new Redis({
    ...base,
    lazyConnect: true,
    // A SUBSCRIBE sent while reconnecting waits for the connection rather than failing.
    enableOfflineQueue: true,
    autoResubscribe: false,
    connectionName: 'nestjs-ai-cache:invalidations',
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
    maxRetriesPerRequest: null,
  });
}
