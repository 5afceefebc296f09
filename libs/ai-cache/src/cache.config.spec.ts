import { randomBytes } from 'node:crypto';
import { cacheOptionsFromEnv } from './cache.config';
import { CacheOptionsError, resolveCacheOptions } from './cache-options.resolver';

describe('cacheOptionsFromEnv', () => {
  it('reads nothing from an empty environment, so every default applies', () => {
    expect(cacheOptionsFromEnv({})).toEqual({});
    expect(cacheOptionsFromEnv({ CACHE_TTL: '', REDIS_URL: '  ' })).toEqual({});
  });

  it('maps every documented variable onto its option', () => {
    const options = cacheOptionsFromEnv({
      CACHE_DRIVER: 'redis',
      REDIS_URL: 'redis://cache:6380/2',
      REDIS_CLUSTER_NODES: 'a:7000, b:7001',
      CACHE_NAMESPACE: 'tenant_a',
      CACHE_TTL: '2h',
      CACHE_OPERATION_TTLS: 'summarize=2h, qa=30m,translate=45',
      CACHE_MAX_SIZE: '5000',
      CACHE_MEMORY_SIZE: '200',
      CACHE_COMPRESSION_THRESHOLD: '2048',
      CACHE_COMPRESSION_LEVEL: '9',
      CACHE_TEXT_HASH_THRESHOLD: '800',
    });
    expect(options).toEqual({
      driver: 'redis',
      redis: { url: 'redis://cache:6380/2', cluster: { nodes: ['a:7000', 'b:7001'] } },
      namespace: 'tenant_a',
      defaultTtl: '2h',
      operationTtls: { summarize: '2h', qa: '30m', translate: 45 },
      maxSize: 5000,
      memoryCacheSize: 200,
      compressionThreshold: 2048,
      compressionLevel: 9,
      textHashThreshold: 800,
    });
    expect(resolveCacheOptions(options)).toMatchObject({ defaultTtl: 7200, operationTtls: { qa: 1800, translate: 45 } });
  });

  it('maps the monitoring thresholds, which the resolver then validates', () => {
    const env = {
      CACHE_MEMORY_WARNING_BYTES: '1048576',
      CACHE_MEMORY_CRITICAL_BYTES: '4194304',
      CACHE_SLOW_OPERATION_MS: '20',
      CACHE_INVALIDATION_WARNING_PER_HOUR: '10',
      CACHE_INVALIDATION_CRITICAL_PER_HOUR: '30',
      CACHE_MONITORING_RETENTION: '2h',
      CACHE_MONITORING_MAX_MEASUREMENTS: '500',
      CACHE_MONITORING_MAX_OPERATIONS: '40',
    };
    expect(cacheOptionsFromEnv(env).monitoring).toEqual({
      memoryWarningBytes: 1048576,
      memoryCriticalBytes: 4194304,
      slowOperationMs: 20,
      invalidationWarningPerHour: 10,
      invalidationCriticalPerHour: 30,
      retention: '2h',
      maxMeasurements: 500,
      maxOperations: 40,
    });
    expect(resolveCacheOptions(cacheOptionsFromEnv(env)).monitoring).toEqual({
      memoryWarningBytes: 1048576,
      memoryCriticalBytes: 4194304,
      slowOperationMs: 20,
      invalidationWarningPerHour: 10,
      invalidationCriticalPerHour: 30,
      retention: 7200,
      maxMeasurements: 500,
      maxOperations: 40,
    });
    expect(cacheOptionsFromEnv({ CACHE_MONITORING_RETENTION: '600' }).monitoring).toEqual({ retention: 600 });
  });

  it.each([
    ['CACHE_MEMORY_WARNING_BYTES', 'lots', 'monitoring.memoryWarningBytes'],
    ['CACHE_MEMORY_CRITICAL_BYTES', '-1', 'monitoring.memoryCriticalBytes'],
    ['CACHE_SLOW_OPERATION_MS', '0', 'monitoring.slowOperationMs'],
    ['CACHE_INVALIDATION_WARNING_PER_HOUR', '1.5', 'monitoring.invalidationWarningPerHour'],
    ['CACHE_MONITORING_RETENTION', 'forever', 'monitoring.retention'],
    ['CACHE_MONITORING_MAX_OPERATIONS', '0', 'monitoring.maxOperations'],
  ])('rejects a bad %s naming `%s`', (name, value, option) => {
    expect(() => resolveCacheOptions(cacheOptionsFromEnv({ [name]: value }))).toThrow(`\`${option}\``);
  });

  it('keeps a non-numeric value as written so the validation error shows it', () => {
    expect(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_MAX_SIZE: 'lots' }))).toThrow(/`maxSize`.*"lots"/);
    expect(() => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_COMPRESSION_LEVEL: '12' }))).toThrow(/`compressionLevel`/);
  });

  it('maps CACHE_ENCRYPTION_KEYS and CACHE_ENCRYPTION_ACTIVE_KEY onto encryption, which the resolver turns into keys', () => {
    const [old, current] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const options = cacheOptionsFromEnv({ REDIS_URL: 'redis://cache:6379', CACHE_ENCRYPTION_KEYS: `2024:${old},2025:${current}`, CACHE_ENCRYPTION_ACTIVE_KEY: '2025' });
    expect(options.encryption).toEqual({ keys: { 2024: old, 2025: current }, activeKeyId: '2025' });
    const resolved = resolveCacheOptions(options).encryption!;
    expect(resolved.activeKeyId).toBe('2025');
    expect(resolved.keys.get('2024')!.export().toString('base64')).toBe(old);
    expect(cacheOptionsFromEnv({}).encryption).toBeUndefined();
  });

  it('fails bootstrap naming the encryption option for a short key or an unknown active id, without the key in the message', () => {
    const short = randomBytes(16).toString('base64');
    const fromEnv = (keys: string, active: string) => () => resolveCacheOptions(cacheOptionsFromEnv({ CACHE_ENCRYPTION_KEYS: keys, CACHE_ENCRYPTION_ACTIVE_KEY: active }));
    expect(fromEnv(`k1:${short}`, 'k1')).toThrow(/`encryption\.keys\.k1`: an AES-256 key is exactly 32 bytes/);
    expect(fromEnv(`k1:${short}`, 'k1')).not.toThrow(short);
    expect(fromEnv(`k1:${randomBytes(32).toString('base64')}`, 'k2')).toThrow(/`encryption\.activeKeyId`: expected one of the ids in encryption.keys: 'k1'/);
  });

  it('rejects a malformed CACHE_OPERATION_TTLS naming the option', () => {
    expect(() => cacheOptionsFromEnv({ CACHE_OPERATION_TTLS: 'summarize:2h' })).toThrow(CacheOptionsError);
    expect(() => cacheOptionsFromEnv({ CACHE_OPERATION_TTLS: 'summarize:2h' })).toThrow(/operationTtls/);
  });
});
