import { CacheOptionsError, resolveCacheOptions } from './cache-options.resolver';

function errorOf(options: unknown): CacheOptionsError {
  try {
    resolveCacheOptions(options as never);
  } catch (error) {
    if (error instanceof CacheOptionsError) return error;
    throw error;
  }
  throw new Error('expected resolveCacheOptions to throw');
}

describe('resolveCacheOptions', () => {
  it("applies the seed's defaults", () => {
    const resolved = resolveCacheOptions();
    expect(resolved).toMatchObject({
      driver: 'memory',
      namespace: 'ai_cache',
      defaultTtl: 3600,
      operationTtls: { summarize: 7200, sentiment: 86400, key_points: 7200, questions: 3600, qa: 1800 },
      maxSize: 1000,
      memoryCacheSize: 100,
      textHashThreshold: 1000,
      compressionThreshold: 1000,
      compressionLevel: 6,
      maxEntryBytes: 1024 * 1024,
      textSizeTiers: { small: 500, medium: 5000, large: 50000 },
      readableKeys: false,
      redis: { connectTimeoutMs: 2000, commandTimeoutMs: 250 },
      monitoring: { memoryWarningBytes: 50 * 1024 * 1024, memoryCriticalBytes: 100 * 1024 * 1024, retention: 3600, maxMeasurements: 1000, maxOperations: 100 },
    });
    expect(resolved.maxBytes).toBeUndefined();
  });

  it('accepts TTLs as seconds or duration strings and merges operation TTLs over the defaults', () => {
    const resolved = resolveCacheOptions({ defaultTtl: '90s', operationTtls: { qa: '2h', translate: 45 } });
    expect(resolved.defaultTtl).toBe(90);
    expect(resolved.operationTtls).toMatchObject({ qa: 7200, translate: 45, summarize: 7200 });
  });

  describe('driver choice', () => {
    it('picks redis when a url, a cluster or a client is configured and no driver is named', () => {
      expect(resolveCacheOptions({ redis: { url: 'redis://h:1' } }).driver).toBe('redis');
      expect(resolveCacheOptions({ redis: { cluster: { nodes: ['a:7000'] } } }).driver).toBe('redis');
      expect(resolveCacheOptions({ redis: { client: { get: () => undefined } as never } }).driver).toBe('redis');
    });

    it('honours an explicit memory driver even with a url', () => {
      expect(resolveCacheOptions({ driver: 'memory', redis: { url: 'redis://h:1' } }).driver).toBe('memory');
    });

    it('never picks an address itself: a bare redis driver fails naming what to set', () => {
      const error = errorOf({ driver: 'redis' });
      expect(error.option).toBe('redis.url');
      expect(error.message).toMatch(/redis driver needs a Redis to use: set redis\.url \(env REDIS_URL\), redis\.cluster\.nodes \(env REDIS_CLUSTER_NODES\) or redis\.client/);
      expect(errorOf({ driver: 'redis', redis: { connectTimeoutMs: 100 } }).option).toBe('redis.url');
    });

    it("parses 'host:port' cluster nodes", () => {
      const resolved = resolveCacheOptions({ redis: { cluster: { nodes: ['10.0.0.1:7000', { host: 'b', port: 7001 }] } } });
      expect(resolved.redis.cluster?.nodes).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: 'b', port: 7001 }]);
    });
  });

  it.each([
    [{ defaultTtl: -5 }, 'defaultTtl'],
    [{ defaultTtl: Number.NaN }, 'defaultTtl'],
    [{ defaultTtl: 0 }, 'defaultTtl'],
    [{ defaultTtl: '10 years' }, 'defaultTtl'],
    [{ operationTtls: { qa: -1 } }, 'operationTtls.qa'],
    [{ operationTtls: { 'bad*op': 10 } }, 'operationTtls.bad*op'],
    [{ compressionLevel: 12 }, 'compressionLevel'],
    [{ compressionLevel: 0 }, 'compressionLevel'],
    [{ driver: 'memcached' }, 'driver'],
    [{ namespace: '' }, 'namespace'],
    [{ namespace: 'app*' }, 'namespace'],
    [{ namespace: 'a:b' }, 'namespace'],
    [{ namespace: 'a[1]' }, 'namespace'],
    [{ maxSize: 0 }, 'maxSize'],
    [{ maxSize: 1.5 }, 'maxSize'],
    [{ maxSize: Number.NaN }, 'maxSize'],
    [{ maxBytes: -1 }, 'maxBytes'],
    [{ memoryCacheSize: -1 }, 'memoryCacheSize'],
    [{ readableKeys: 'yes' }, 'readableKeys'],
    [{ textSizeTiers: { small: 600, medium: 500 } }, 'textSizeTiers.medium'],
    [{ redis: { url: 'http://x' } }, 'redis.url'],
    [{ redis: { commandTimeoutMs: 0 } }, 'redis.commandTimeoutMs'],
    [{ redis: { cluster: { nodes: [] } } }, 'redis.cluster.nodes'],
    [{ redis: { cluster: { nodes: ['nohost'] } } }, 'redis.cluster.nodes[0]'],
    [{ redis: { client: 'redis://x' } }, 'redis.client'],
    [{ monitoring: { retention: 'forever' } }, 'monitoring.retention'],
    [{ monitoring: { maxOperations: 0 } }, 'monitoring.maxOperations'],
    [{ monitoring: { memoryWarningBytes: 2048, memoryCriticalBytes: 1024 } }, 'monitoring.memoryCriticalBytes'],
    [{ monitoring: { slowOperationMs: 'slow' } }, 'monitoring.slowOperationMs'],
    [{ defaultTTL: 10 }, 'defaultTTL'],
    [{ redis: { host: 'x' } }, 'redis.host'],
  ])('rejects %p naming `%s`', (options, option) => {
    const error = errorOf(options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
  });
});
