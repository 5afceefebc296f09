import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisClusterNode } from '../interfaces/cache-module-options.interface';
import type { RedisClient } from './redis-connection';

export interface RedisClientFactoryOptions {
  url?: string;
  cluster?: { nodes: Array<RedisClusterNode | string> };
  connectTimeoutMs: number;
}

const RECONNECT_BASE_MS = 50;
/** Kept short: after Redis restarts, the cache should be using it again within about a second. */
const RECONNECT_MAX_MS = 1000;
/**
 * ioredis arms a timer of this length on disconnect() to destroy a socket that does not close; for a
 * socket that is already closed (a client closed while Redis is down) nothing ever clears it, so a
 * long one would hold the process open at shutdown. Default 2000.
 */
export const DISCONNECT_TIMEOUT_MS = 50;

/** The client the store owns (and closes): lazy, failing fast while disconnected, reconnecting with backoff. */
export function createClient(options: RedisClientFactoryOptions): RedisClient {
  const common = {
    lazyConnect: true,
    // Fail fast while disconnected instead of queueing commands for an unknown time.
    enableOfflineQueue: false,
  };
  const perConnection: RedisOptions = {
    connectTimeout: options.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    // A command we already gave up on (timed out) must not be replayed after a reconnect, where a
    // stale SET could overwrite a newer value.
    autoResendUnfulfilledCommands: false,
    connectionName: 'nestjs-ai-cache',
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  };
  if (options.cluster) {
    const clusterOptions: ClusterOptions = {
      ...common,
      clusterRetryStrategy: reconnectDelay,
      redisOptions: perConnection,
    };
    return new Cluster(options.cluster.nodes.map(toClusterNode), clusterOptions);
  }
  if (!options.url) throw new Error('RedisStore: one of url, cluster or client is required');
  return new Redis(options.url, { ...common, ...perConnection, retryStrategy: reconnectDelay });
}

/** Capped exponential backoff with jitter, so many instances do not reconnect in lockstep. */
export function reconnectDelay(attempt: number): number {
  const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(capped * (0.75 + Math.random() * 0.25));
}

function toClusterNode(node: RedisClusterNode | string): RedisClusterNode {
  if (typeof node !== 'string') return node;
  const separator = node.lastIndexOf(':');
  return { host: node.slice(0, separator), port: Number(node.slice(separator + 1)) };
}
