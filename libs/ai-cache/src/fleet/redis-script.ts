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
      if (!(error instanceof Error) || !/^NOSCRIPT\b/.test(error.message)) throw error;
      return client.eval(this.lua, this.keys, ...args);
    }
  }
}

/** Deletes KEYS[1] only if it still holds ARGV[1]: only the holder of a lease releases it. */
export const RELEASE_IF_HELD = new RedisScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
  1,
);

/** Extends KEYS[1] to ARGV[2] ms only if it still holds ARGV[1]. */
export const RENEW_IF_HELD = new RedisScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
  1,
);
