import { RedisServer, startRedis, stopAllRedisServers } from '../../../../test/support/redis-harness';
import { CacheOptionsError } from '../cache-options.error';
import { REDIS_ACL_COMMANDS, redisAclRuleFor } from './redis-acl.rule';

describe('redisAclRuleFor', () => {
  it('resets, then allows exactly our commands on the namespace’s keys and the invalidation channel', () => {
    expect(redisAclRuleFor('ai_cache')).toBe(
      'resetkeys resetchannels -@all +getrange +set +unlink +pttl +evalsha +eval +scan +client|id +client|tracking +subscribe +ping +info ' +
        '+client|setname +select +cluster|slots ~ai_cache:* &__redis__:invalidate',
    );
  });

  // EVAL/EVALSHA are granted for the fleet lease scripts: Redis checks every command a script calls
  // against the same user's rules, so a script can do no more than the commands and keys listed here.
  it('never grants KEYS, FLUSHDB, FLUSHALL, CONFIG, SCRIPT/FUNCTION or a whole category', () => {
    for (const forbidden of ['keys', 'flushdb', 'flushall', 'config', 'script', 'function', 'debug', 'shutdown']) {
      expect(REDIS_ACL_COMMANDS).not.toContain(forbidden);
    }
    expect(redisAclRuleFor('app')).not.toMatch(/\+@|allkeys|allchannels|~\*|&\*/);
  });

  it('takes the channel patterns to allow (for another coherence path)', () => {
    expect(redisAclRuleFor('app', { channels: ['app:*', '__redis__:invalidate'] })).toMatch(/ ~app:\* &app:\* &__redis__:invalidate$/);
    expect(redisAclRuleFor('app', { channels: [] })).toMatch(/ ~app:\*$/);
    expect(() => redisAclRuleFor('app', { channels: ['two words'] })).toThrow(TypeError);
  });

  it('validates the namespace like the module does (no glob characters, no spaces)', () => {
    expect(() => redisAclRuleFor('a*')).toThrow(CacheOptionsError);
    expect(() => redisAclRuleFor('a b')).toThrow(/`namespace`/);
    expect(() => redisAclRuleFor('')).toThrow(CacheOptionsError);
  });

  describe('on a real redis-server', () => {
    let server: RedisServer;
    const dryRun = async (...command: string[]) => (await server.cli('ACL', 'DRYRUN', 'cache', ...command)).trim();

    beforeAll(async () => {
      server = await startRedis();
      // ACL SETUSER rejects an unknown command or subcommand: every name in the list is a real one.
      expect((await server.cli('ACL', 'SETUSER', 'cache', 'on', '>secret', ...redisAclRuleFor('ns').split(' '))).trim()).toBe('OK');
    });
    afterAll(() => stopAllRedisServers());

    it('lets the user run our commands on our keys and channels only', async () => {
      expect(await dryRun('getrange', 'ns:ai:summarize:abc', '0', '1048600')).toBe('OK');
      expect(await dryRun('set', 'ns:k', 'v', 'PX', '1000')).toBe('OK');
      expect(await dryRun('scan', '0', 'MATCH', 'ns:*', 'COUNT', '500')).toBe('OK');
      expect(await dryRun('subscribe', '__redis__:invalidate')).toBe('OK');
      expect(await dryRun('client', 'tracking', 'on', 'redirect', '7', 'bcast', 'prefix', 'ns:', 'noloop')).toBe('OK');
      expect(await dryRun('client', 'setname', 'nestjs-ai-cache')).toBe('OK');
      expect(await dryRun('getrange', 'other:k', '0', '10')).toMatch(/no permissions to access the 'other:k' key/);
      expect(await dryRun('subscribe', 'other:channel')).toMatch(/no permissions to access the 'other:channel' channel/);
      for (const command of [['keys', '*'], ['flushdb'], ['flushall'], ['config', 'get', 'maxmemory'], ['client', 'kill', 'id', '1'], ['del', 'ns:k'], ['publish', '__redis__:invalidate', 'x'], ['get', 'ns:k']]) {
        expect(await dryRun(...command)).toMatch(/no permissions to run/);
      }
    });
  });
});
