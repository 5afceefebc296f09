import { Redis } from 'ioredis';
import { type RedisServer, startRedis, stopAllRedisServers, waitUntil } from '../../../../test/support/redis-harness';
import { tieredStoreFor, type TieredFixtureOptions } from '../../../../test/support/store-fixtures';
import type { TieredStore } from './tiered.store';

/** Connections on the server that subscribed (`sub=1` in CLIENT LIST). */
export async function subscriberConnections(client: Redis): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => / sub=[1-9]/.test(line)).length;
}

export const valueOf = async (store: TieredStore, key: string) => (await store.get(key))?.entry.value;
export const tierOf = async (store: TieredStore, key: string) => (await store.get(key))?.tier;
/** Coherence promises "within 1 s": poll for that long at most. */
export const withinOneSecond = (condition: () => Promise<boolean> | boolean) => waitUntil(condition, { attempts: 100, intervalMs: 10 });

/** What a spec file's whole scenario sent to Redis: SCAN and GETRANGE, never KEYS, FLUSHDB, FLUSHALL, PUBLISH, MULTI or PTTL. */
export async function expectNoForbiddenCommands(inspector: Redis): Promise<void> {
  const commandStats = (await inspector.info('commandstats')).split('\n');
  expect(commandStats.some((line) => line.startsWith('cmdstat_scan:'))).toBe(true);
  expect(commandStats.some((line) => line.startsWith('cmdstat_getrange:'))).toBe(true);
  expect(commandStats.filter((line) => /^cmdstat_(keys|flushdb|flushall|publish|multi|pttl_):/.test(line))).toEqual([]);
}

/**
 * One real redis-server for the spec file (`t.server`, inspected through `t.inspector`), TieredStores
 * on it in namespaces of their own, closed after the file. Call at the top of a describe block.
 */
export function useTieredStores() {
  const stores: TieredStore[] = [];
  let namespaceCounter = 0;
  const nextNamespace = (): string => `tiered_${++namespaceCounter}`;
  const t = {
    server: undefined as unknown as RedisServer,
    inspector: undefined as unknown as Redis,
    nextNamespace,
    make(options: Partial<TieredFixtureOptions> & { namespace: string }): ReturnType<typeof tieredStoreFor> {
      const built = tieredStoreFor({ url: t.server.url, ...options });
      stores.push(built.store);
      return built;
    },
    async pair(namespace = nextNamespace(), options: Partial<TieredFixtureOptions> = {}): Promise<{ a: TieredStore; b: TieredStore; namespace: string }> {
      const a = t.make({ namespace, ...options }).store;
      const b = t.make({ namespace, ...options }).store;
      await Promise.all([a.connect(), b.connect()]);
      return { a, b, namespace };
    },
    /**
     * Redis reports a change to every other tracking instance on a connection of its own, so that
     * report may reach B after B has read the new value: waiting for it keeps B's fresh copy in L1.
     */
    heardOf: (store: TieredStore, count: number): Promise<boolean> => waitUntil(() => (store.diagnostics().coherence?.invalidations ?? 0) >= count),
    /** Reads `key` on `store` until it is answered from L1. */
    async warm(store: TieredStore, key: string): Promise<void> {
      await store.get(key);
      expect(await tierOf(store, key)).toBe('memory');
    },
  };
  beforeAll(async () => {
    t.server = await startRedis();
    t.inspector = new Redis(t.server.port, '127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    t.inspector.disconnect();
    await stopAllRedisServers();
  });
  return t;
}
