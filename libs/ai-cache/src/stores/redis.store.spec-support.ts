import { Redis } from 'ioredis';
import { type RedisServer, scanAllKeys, startRedis, stopAllRedisServers } from '../../../../test/support/redis-harness';
import { codecFor } from '../../../../test/support/store-fixtures';
import { RedisStore, type RedisStoreOptions } from './redis.store';

export const COMMAND_TIMEOUT_MS = 200;

/** Empties the test server without FLUSHDB/FLUSHALL, so that a final check can forbid them outright. */
async function wipe(client: Redis): Promise<void> {
  const keys = await scanAllKeys(client);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

/**
 * One real redis-server for the spec file (`t.server`, inspected through `t.inspector`), emptied
 * before each test; `t.makeStore` makes RedisStores on it, closed after the file.
 */
export function useRedisStores() {
  const stores: RedisStore[] = [];
  const t = {
    server: undefined as unknown as RedisServer,
    inspector: undefined as unknown as Redis,
    makeStore(overrides: Partial<RedisStoreOptions> = {}): RedisStore {
      const store = new RedisStore({
        namespace: 'ai_cache',
        codec: codecFor(),
        url: t.server.url,
        connectTimeoutMs: 2000,
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        ...overrides,
      });
      stores.push(store);
      return store;
    },
  };
  beforeAll(async () => {
    t.server = await startRedis();
    t.inspector = new Redis(t.server.port, '127.0.0.1', { lazyConnect: true });
    await t.inspector.connect();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    t.inspector.disconnect();
    await stopAllRedisServers();
  });
  beforeEach(async () => {
    // Each test starts from an empty server (the test's own server, never the machine's Redis).
    await wipe(t.inspector);
  });
  return t;
}

/** What a spec file's whole scenario sent: SCAN and UNLINK, never KEYS, FLUSHDB or FLUSHALL. */
export async function expectScanAndUnlinkOnly(server: RedisServer): Promise<void> {
  const commandStats = await server.info('commandstats');
  expect(commandStats.cmdstat_scan).toBeDefined();
  expect(commandStats.cmdstat_unlink).toBeDefined();
  expect(commandStats.cmdstat_keys).toBeUndefined();
  expect(commandStats.cmdstat_flushdb).toBeUndefined();
  expect(commandStats.cmdstat_flushall).toBeUndefined();
}
