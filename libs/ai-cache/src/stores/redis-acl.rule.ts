import { resolveCacheOptions } from '../cache-options.resolver';

/**
 * Every Redis command the library sends, for a least-privilege ACL user. Kept in one place so that
 * a store change that sends a new command changes this list too (the ACL e2e suite runs the library
 * as a user with exactly these and fails on any refusal). Subcommands as `command|subcommand`.
 */
export const REDIS_ACL_COMMANDS: readonly string[] = [
  // An entry is read with one GETRANGE (capped), written with one SET PX, removed with UNLINK.
  'getrange', 'set', 'unlink',
  // exists() and getTtl(): the 24-byte header and the remaining TTL, pipelined.
  'pttl',
  // Fleet-wide single flight: a getOrCompute miss reads and takes the lease in one script; the
  // holder renews and releases it by compare-and-set scripts (EVAL only when the server lacks the script).
  'evalsha', 'eval',
  // Invalidation and key counts: SCAN MATCH `<namespace>:…`, never KEYS.
  'scan',
  // L1 coherence: Redis reports changes to our prefix (CLIENT TRACKING … BCAST) to a subscriber.
  'client|id', 'client|tracking', 'subscribe',
  // Health (the subscriber is pinged too), and `used_memory` for stats (an ACL may deny INFO: stats then go without it).
  'ping', 'info',
  // Every connection names itself `nestjs-ai-cache`; a `/db` in the url selects it; Cluster clients read the slot map.
  'client|setname', 'select', 'cluster|slots',
];

/** Where Redis publishes tracking invalidations for a client in redirect mode. */
export const TRACKING_INVALIDATION_CHANNEL = '__redis__:invalidate';

export interface RedisAclRuleOptions {
  /**
   * Pub/sub channel patterns the user may subscribe to (ACL `&` rules). Default: the one channel the
   * library listens on, `__redis__:invalidate` (tracking reports for our keys only: BCAST PREFIX).
   */
  channels?: string[];
}

/**
 * The permissions of a Redis ACL user that can run this library on `namespace` and nothing more:
 * its keys (`~<namespace>:*`), the invalidation channel, the commands above. It starts by resetting keys,
 * channels and commands, so applying it to an existing user narrows that user to exactly this.
 *
 * `ACL SETUSER <user> on ><password> ${redisAclRuleFor('ai_cache')}`
 */
export function redisAclRuleFor(namespace: string, options: RedisAclRuleOptions = {}): string {
  // The same check as the module's option: the namespace's alphabet has no glob or space characters.
  resolveCacheOptions({ namespace });
  const channels = options.channels ?? [TRACKING_INVALIDATION_CHANNEL];
  for (const channel of channels) {
    if (typeof channel !== 'string' || !/^\S+$/.test(channel)) throw new TypeError(`redisAclRuleFor: invalid channel pattern ${JSON.stringify(channel)}`);
  }
  return [
    'resetkeys',
    'resetchannels',
    '-@all',
    ...REDIS_ACL_COMMANDS.map((command) => `+${command}`),
    `~${namespace}:*`,
    ...channels.map((channel) => `&${channel}`),
  ].join(' ');
}
