import type { Redis } from 'ioredis';
import { escapeGlob } from '../utils/glob';
import { INTERNAL_KEY_MARK } from './internal-keys';
import { isCluster, type RedisClient } from './redis-connection';

/** Keys per SCAN page: large enough to keep round trips few, small enough not to block Redis. */
export const SCAN_PAGE_SIZE = 500;
/** A SCAN walk always ends; this only guards against a server that would never return cursor 0. */
const MAX_SCAN_PAGES = 1_000_000;

/** Runs one command through the store's guard (breaker, timeout). */
export type RunCommand = <T>(command: () => Promise<T>) => Promise<T>;

/**
 * SCAN + UNLINK over one namespace, on a standalone server or on every master of a Cluster; never
 * KEYS, never FLUSHDB. The namespace is matched as a literal (`escapeGlob`), so a `[` or `*` in it
 * can never widen what is selected.
 */
export class RedisNamespaceScanner {
  private readonly prefix: string;
  private readonly namespacePattern: string;

  constructor(
    private readonly client: RedisClient,
    namespace: string,
    private readonly run: RunCommand,
  ) {
    this.prefix = `${namespace}:`;
    this.namespacePattern = `${escapeGlob(namespace)}:`;
  }

  /**
   * Removes every key whose relative name matches `pattern` (a Redis glob); returns how many.
   * `onScanned` sees the relative keys of each page before they are removed.
   */
  async deleteMatching(pattern: string, onScanned?: (keys: string[]) => void): Promise<number> {
    let removed = 0;
    // Internal keys (leases, markers) are not entries: clearing the namespace removes them uncounted,
    // and no other pattern touches them.
    const everything = pattern === '*';
    const internal = this.prefix + INTERNAL_KEY_MARK;
    await this.scanPages(this.namespacePattern + pattern, async (scanned, node) => {
      const entries = scanned.filter((redisKey) => !redisKey.startsWith(internal));
      onScanned?.(entries.map((redisKey) => redisKey.slice(this.prefix.length)));
      if (entries.length > 0) removed += await this.unlinkOnNode(node, entries);
      if (everything && entries.length < scanned.length) await this.unlinkOnNode(node, scanned.filter((redisKey) => redisKey.startsWith(internal)));
    });
    return removed;
  }

  async countKeys(): Promise<number> {
    let count = 0;
    await this.scanPages(`${this.namespacePattern}*`, async (redisKeys) => {
      count += redisKeys.length;
    });
    return count;
  }

  /** Standalone: the client. Cluster: every master, since each holds only its own slots. */
  masters(): Redis[] {
    if (!isCluster(this.client)) return [this.client];
    const masters = this.client.nodes('master');
    if (masters.length === 0) throw new Error('Redis Cluster: no master reachable');
    return masters;
  }

  private async scanPages(match: string, onPage: (redisKeys: string[], node: Redis) => Promise<void>): Promise<void> {
    for (const node of this.masters()) {
      let cursor = '0';
      let pages = 0;
      do {
        const [next, keys] = await this.run(() => node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_PAGE_SIZE));
        cursor = next;
        if (keys.length > 0) await onPage(keys, node);
      } while (cursor !== '0' && ++pages < MAX_SCAN_PAGES);
    }
  }

  private async unlinkOnNode(node: Redis, redisKeys: string[]): Promise<number> {
    if (!isCluster(this.client)) return this.run(() => node.unlink(...redisKeys));
    // In a cluster one UNLINK may only name keys of one hash slot: one UNLINK per key, pipelined to
    // the master the keys were scanned on (it owns them), in a single round trip.
    return this.run(async () => {
      const replies = await node.pipeline(redisKeys.map((redisKey) => ['unlink', redisKey])).exec();
      let removed = 0;
      // Thrown inside run(), so that the breaker counts a connection failure as one.
      for (const [error, count] of replies ?? []) {
        if (error) throw error;
        removed += Number(count);
      }
      return removed;
    });
  }
}
