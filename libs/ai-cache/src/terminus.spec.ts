/**
 * The entry points: @nestjs/terminus and prom-client are optional peers, so the main entry must
 * load neither (an app without them must start), and the terminus entry must export the indicator.
 */
describe('entry points', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('@nestjs/terminus');
    jest.dontMock('prom-client');
  });

  function absent(name: string) {
    return () => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
  }

  it('the main entry loads without @nestjs/terminus and prom-client installed', () => {
    jest.doMock('@nestjs/terminus', absent('@nestjs/terminus'));
    jest.doMock('prom-client', absent('prom-client'));
    jest.isolateModules(() => {
      const main = require('./index') as typeof import('./index');
      expect(typeof main.CacheMonitorService).toBe('function');
    });
  });

  it('the monitor starts without prom-client, and still speaks Prometheus', () => {
    jest.doMock('prom-client', absent('prom-client'));
    jest.isolateModules(() => {
      const { createCacheMonitor } = require('./monitor/cache-monitor.providers') as typeof import('./monitor/cache-monitor.providers');
      const { resolveCacheOptions } = require('./cache-options.resolver') as typeof import('./cache-options.resolver');
      const monitor = createCacheMonitor(resolveCacheOptions({}));
      expect(() => monitor.onApplicationBootstrap()).not.toThrow();
      monitor.recordLookup('qa', 'miss', 1);
      expect(monitor.toPrometheus()).toContain('ai_cache_misses_total{cache="ai_cache",operation="qa",tier="memory"} 1');
      monitor.onApplicationShutdown();
    });
  });

  it('the terminus entry exports the indicator and its module', () => {
    jest.isolateModules(() => {
      const terminus = require('./terminus') as typeof import('./terminus');
      expect(Object.keys(terminus).sort()).toEqual(['CacheHealthIndicator', 'CacheHealthModule']);
    });
  });
});
