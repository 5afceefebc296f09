import type { INestApplication } from '@nestjs/common';
import { type CacheModuleOptions, CacheMonitorService } from '@app/ai-cache';
import { type RedisServer, startRedis, stopAllRedisServers } from './redis-harness';

export type Driver = 'memory' | 'redis';

/**
 * What the decorator suites share: one real redis-server for the file, a fresh namespace per app,
 * and apps closed after each test even when an assertion failed midway (open Redis clients would
 * keep Jest alive). Call at the top level of a spec file: it registers the Jest hooks.
 */
export function useDecoratorHarness(namespacePrefix: string) {
  let redis: RedisServer;
  let namespaceCounter = 0;
  const openApps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => stopAllRedisServers());
  afterEach(async () => {
    await Promise.all(openApps.splice(0).map((app) => app.close().catch(() => undefined)));
  });

  /** A namespace no other test of this process uses. */
  const namespace = (label: string): string => `${label}_${process.pid}_${++namespaceCounter}`;

  return {
    namespace,
    /** Memory, or Redis with the L1 tier off so that every hit is read back from Redis. */
    cacheOptions(driver: Driver, name = namespace(namespacePrefix)): CacheModuleOptions {
      return driver === 'redis' ? { namespace: name, redis: { url: redis.url }, memoryCacheSize: 0 } : { namespace: name };
    },
    /** Registers an app to be closed after the current test. */
    track(app: INestApplication): INestApplication {
      openApps.push(app);
      return app;
    },
    get redis(): RedisServer {
      return redis;
    },
  };
}

/** Calls that joined an identical call's computation so far (what the service reports to its monitor). */
export function coalescedWaitCounter(app: INestApplication): () => number {
  const spy = jest.spyOn(app.get(CacheMonitorService), 'recordCoalescedWait');
  return () => spy.mock.calls.length;
}

/** A promise the test resolves when it wants the method body to finish. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
