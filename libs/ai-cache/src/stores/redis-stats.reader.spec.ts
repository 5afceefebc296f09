import type { RedisNamespaceScanner } from './redis-namespace.scanner';
import { RedisStatsReader } from './redis-stats.reader';

/** The scanner's two reads the stats need, counted (the walks themselves run on real Redis in redis.store.commands.spec.ts). */
function scannerWith(info: () => Promise<string>) {
  const calls = { counts: 0 };
  const scanner = {
    countKeys: async () => ++calls.counts,
    masters: () => [{ info }, { info }],
  } as unknown as RedisNamespaceScanner;
  return { scanner, calls };
}

const run = <T>(command: () => Promise<T>) => command();

describe('RedisStatsReader', () => {
  it('reuses a key count for keyCountCacheMs, shares one walk between concurrent reads, and forgets it on demand', async () => {
    const { scanner, calls } = scannerWith(async () => 'used_memory:100\r\n');
    const reader = new RedisStatsReader(scanner, run, 60_000);
    const [first, second] = await Promise.all([reader.read(), reader.read()]);
    expect([first, second]).toEqual([{ keys: 1, memoryUsedBytes: 200 }, { keys: 1, memoryUsedBytes: 200 }]);
    expect((await reader.read()).keys).toBe(1);
    reader.forgetKeyCount();
    expect((await reader.read()).keys).toBe(2);
    expect(calls.counts).toBe(2);
  });

  it('stops asking for INFO once an ACL refused it, warning once', async () => {
    const warnings: string[] = [];
    let asked = 0;
    const { scanner } = scannerWith(async () => {
      asked++;
      // What ioredis rejects with for an ACL denial (a ReplyError, by name).
      throw Object.assign(new Error("NOPERM this user has no permissions to run the 'info' command"), { name: 'ReplyError' });
    });
    const reader = new RedisStatsReader(scanner, run, 0, { log: () => undefined, warn: (line) => warnings.push(line) });
    expect(await reader.read()).toEqual({ keys: 1, memoryUsedBytes: undefined });
    expect(await reader.read()).toEqual({ keys: 2, memoryUsedBytes: undefined });
    expect([asked, warnings.length]).toEqual([1, 1]);
  });
});
