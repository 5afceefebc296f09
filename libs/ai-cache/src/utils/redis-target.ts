import type { RedisClusterNode } from '../interfaces/cache-module-options.interface';

const DEFAULT_REDIS_PORT = 6379;

/** What the redis driver connects to, as the resolved options say it (one of the three is set). */
export interface RedisTarget {
  url?: string;
  cluster?: { nodes: RedisClusterNode[] };
  client?: object;
}

/**
 * The Redis the cache uses, for the bootstrap log line: `redis://***@cache.internal:6380/2`,
 * `Redis Cluster seeds 10.0.0.1:7000, 10.0.0.2:7000`, or `your client (10.0.0.5:6379)`. Every port
 * is spelled out (an operator checking which Redis a pod uses should not have to know 6379 is the
 * default) and nothing secret is ever written: user, password and query string are masked.
 */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.client) return describeClient(target.client);
  if (target.cluster) return `Redis Cluster seeds ${target.cluster.nodes.map(({ host, port }) => hostPort(host, port)).join(', ')}`;
  return target.url === undefined ? 'no Redis address' : maskRedisUrl(target.url);
}

/** `redis[s]://[***@]host:port[/db][?***]`; a URL the parser refuses is masked as a whole. */
export function maskRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${/^rediss?:/.exec(url)?.[0] ?? 'redis:'}//*** (unparsable URL)`;
  }
  const credentials = parsed.username || parsed.password ? '***@' : '';
  const port = parsed.port || String(DEFAULT_REDIS_PORT);
  const db = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : '';
  const query = parsed.search ? '?***' : '';
  return `${parsed.protocol}//${credentials}${hostPort(parsed.hostname || 'localhost', port)}${db}${query}`;
}

/** A client the user passed: its address when it says (ioredis keeps it in `options`), never its credentials. */
function describeClient(client: object): string {
  const { options, isCluster } = client as { options?: { host?: unknown; port?: unknown }; isCluster?: unknown };
  if (isCluster === true) return 'your Redis Cluster client';
  const host = options?.host;
  const port = options?.port;
  if (typeof host === 'string' && (typeof port === 'number' || typeof port === 'string')) return `your client (${hostPort(host, port)})`;
  return 'your client';
}

function hostPort(host: string, port: number | string): string {
  // An IPv6 literal keeps (or gets) its brackets, so the port stays readable.
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}
