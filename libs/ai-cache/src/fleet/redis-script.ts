import { createHash } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';

/**
 * A Lua script run with EVALSHA, falling back to EVAL (which also caches it on the server) when the
 * server does not know it yet (after a restart, a failover, or on a Cluster node it never ran on).
 * Not ioredis's defineCommand: that adds methods to the client, and the client may be the user's.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(
    private readonly lua: string,
    private readonly keys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis | Cluster, args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, this.keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(this.lua, this.keys, ...args);
    }
  }

  /** As `run`, with bulk replies as Buffers (for binary values). */
  async runBuffer(client: Redis | Cluster, args: Array<string | number>): Promise<unknown> {
    try {
      return await client.callBuffer('EVALSHA', this.sha, this.keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.callBuffer('EVAL', this.lua, this.keys, ...args);
    }
  }
}

const isNoScript = (error: unknown): boolean => error instanceof Error && /^NOSCRIPT\b/.test(error.message);

// The scripts call only commands the ACL rule grants (GETRANGE, SET, UNLINK): Redis checks each
// command a script calls against the user's rules, so a script can do nothing the user could not.

/** Removes KEYS[1] only if it still holds ARGV[1]: only the holder of a lease releases it. */
export const RELEASE_IF_HELD = new RedisScript(
  "if redis.call('getrange', KEYS[1], 0, -1) == ARGV[1] then return redis.call('unlink', KEYS[1]) else return 0 end",
  1,
);

/** Extends KEYS[1] to ARGV[2] ms only if it still holds ARGV[1] (1 when it did). */
export const RENEW_IF_HELD = new RedisScript(
  "if redis.call('getrange', KEYS[1], 0, -1) == ARGV[1] then redis.call('set', KEYS[1], ARGV[1], 'XX', 'PX', ARGV[2]) return 1 else return 0 end",
  1,
);

/**
 * Reads an entry (KEYS[1], at most ARGV[1] bytes, as GETRANGE) and, when there is none, takes its
 * lease (KEYS[2], token ARGV[2], ARGV[3] ms) in the same round trip: a miss of getOrCompute knows at
 * once whether it computes for the fleet. Answers `{2, bytes}` (an entry), `{1}` (none: lease taken)
 * or `{0}` (none: another holder has the lease). Both keys share a hash slot (see internal-keys.ts).
 */
export const READ_OR_LEASE = new RedisScript(
  "local v = redis.call('getrange', KEYS[1], 0, ARGV[1]) " +
    "if v ~= '' then return {2, v} end " +
    "if redis.call('set', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {1} end " +
    'return {0}',
  2,
);
