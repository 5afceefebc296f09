import { optionsErrorOf } from '../../../test/support/options-error';
import { cacheOptionsFromEnv } from './cache.config';
import { resolveCacheOptions } from './cache-options.resolver';
import { DEFAULT_LEASE_MS, DEFAULT_MAX_WAIT_MS, resolveFlightOptions, resolveRefreshAhead, resolveStaleWindow } from './flight.options';

describe('resolveFlightOptions', () => {
  it('defaults: the fleet on the redis driver only, 30 s leases, 60 s longest wait, no stale window, no refresh-ahead', () => {
    expect(resolveFlightOptions({}, 'redis')).toEqual({
      singleFlight: { fleet: true, leaseMs: DEFAULT_LEASE_MS, maxWaitMs: DEFAULT_MAX_WAIT_MS },
      staleWhileRevalidate: 0,
      refreshAhead: undefined,
    });
    expect(resolveFlightOptions({}, 'memory').singleFlight.fleet).toBe(false);
    expect([DEFAULT_LEASE_MS, DEFAULT_MAX_WAIT_MS]).toEqual([30_000, 60_000]);
  });

  it('takes every value as given, never a default in its place', () => {
    const resolved = resolveFlightOptions({ singleFlight: { fleet: false, leaseMs: 100, maxWaitMs: 0 }, staleWhileRevalidate: '10m', refreshAhead: { beta: 2.5 } }, 'redis');
    expect(resolved).toEqual({ singleFlight: { fleet: false, leaseMs: 100, maxWaitMs: 0 }, staleWhileRevalidate: 600, refreshAhead: { beta: 2.5 } });
    expect(resolveFlightOptions({ refreshAhead: true, staleWhileRevalidate: 30 }, 'redis')).toMatchObject({ refreshAhead: { beta: 1 }, staleWhileRevalidate: 30 });
    expect(resolveFlightOptions({ refreshAhead: false }, 'redis').refreshAhead).toBeUndefined();
  });

  it.each([
    [{ singleFlight: 'yes' }, 'singleFlight'],
    [{ singleFlight: { fleet: 'true' } }, 'singleFlight.fleet'],
    [{ singleFlight: { leaseMs: 99 } }, 'singleFlight.leaseMs'],
    [{ singleFlight: { leaseMs: 1.5e3 + 0.5 } }, 'singleFlight.leaseMs'],
    [{ singleFlight: { maxWaitMs: -1 } }, 'singleFlight.maxWaitMs'],
    [{ singleFlight: { maxWaitMs: 3_600_001 } }, 'singleFlight.maxWaitMs'],
    [{ singleFlight: { lease: 100 } }, 'singleFlight.lease'],
    [{ staleWhileRevalidate: -5 }, 'staleWhileRevalidate'],
    [{ staleWhileRevalidate: 'soon' }, 'staleWhileRevalidate'],
    [{ refreshAhead: 'on' }, 'refreshAhead'],
    [{ refreshAhead: { beta: 0 } }, 'refreshAhead.beta'],
    [{ refreshAhead: { beta: Number.NaN } }, 'refreshAhead.beta'],
    [{ refreshAhead: { delta: 1 } }, 'refreshAhead.delta'],
  ])('fails naming the option for %j', (raw, option) => {
    const error = optionsErrorOf(() => resolveFlightOptions(raw as Record<string, unknown>, 'redis'));
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
  });

  it('per-call values go through the same checks, named as the caller gave them', () => {
    expect(resolveStaleWindow(undefined, 'x')).toBeUndefined();
    expect(resolveStaleWindow('1h', 'x')).toBe(3600);
    expect(optionsErrorOf(() => resolveStaleWindow(-1, 'getOrCompute.staleWhileRevalidate')).option).toBe('getOrCompute.staleWhileRevalidate');
    expect(optionsErrorOf(() => resolveRefreshAhead({ beta: -1 }, 'call.refreshAhead')).option).toBe('call.refreshAhead.beta');
  });

  it('is part of the module options: resolved at bootstrap, and bad values fail it', () => {
    expect(resolveCacheOptions({ driver: 'redis', redis: { url: 'redis://127.0.0.1:1' }, staleWhileRevalidate: '30s' })).toMatchObject({
      singleFlight: { fleet: true },
      staleWhileRevalidate: 30,
    });
    expect(optionsErrorOf(() => resolveCacheOptions({ singleFlight: { leaseMs: 5 } })).option).toBe('singleFlight.leaseMs');
  });
});

describe('flight options from the environment', () => {
  it('maps CACHE_SINGLE_FLIGHT_*, CACHE_STALE_WHILE_REVALIDATE and CACHE_REFRESH_AHEAD', () => {
    const env = { CACHE_SINGLE_FLIGHT_FLEET: 'false', CACHE_SINGLE_FLIGHT_LEASE_MS: '5000', CACHE_SINGLE_FLIGHT_MAX_WAIT_MS: '20000' };
    const options = cacheOptionsFromEnv({ ...env, CACHE_STALE_WHILE_REVALIDATE: '120', CACHE_REFRESH_AHEAD: '2' });
    expect(options).toEqual({ singleFlight: { fleet: false, leaseMs: 5000, maxWaitMs: 20000 }, staleWhileRevalidate: 120, refreshAhead: { beta: 2 } });
    expect(cacheOptionsFromEnv({ CACHE_REFRESH_AHEAD: 'true' }).refreshAhead).toBe(true);
    expect(cacheOptionsFromEnv({ CACHE_REFRESH_AHEAD: 'false' }).refreshAhead).toBe(false);
  });

  it('keeps a malformed value as written, so bootstrap fails naming the option', () => {
    expect(optionsErrorOf(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_SINGLE_FLIGHT_FLEET: 'yes' }))).option).toBe('singleFlight.fleet');
    expect(optionsErrorOf(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_SINGLE_FLIGHT_LEASE_MS: 'long' }))).option).toBe('singleFlight.leaseMs');
    expect(optionsErrorOf(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_REFRESH_AHEAD: 'sometimes' }))).option).toBe('refreshAhead');
    expect(optionsErrorOf(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_STALE_WHILE_REVALIDATE: 'a while' }))).option).toBe('staleWhileRevalidate');
  });
});
