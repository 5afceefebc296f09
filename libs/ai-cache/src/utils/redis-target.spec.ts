import { describeRedisTarget, maskRedisUrl } from './redis-target';

describe('describeRedisTarget', () => {
  it.each([
    ['redis://cache.internal:6380/2', 'redis://cache.internal:6380/2'],
    ['redis://localhost', 'redis://localhost:6379'],
    ['rediss://user:secret@cache.internal:6380/2', 'rediss://***@cache.internal:6380/2'],
    ['redis://:secret@10.0.0.1', 'redis://***@10.0.0.1:6379'],
    ['redis://default@10.0.0.1:7000/', 'redis://***@10.0.0.1:7000'],
    ['redis://10.0.0.1:6379/0?password=secret&family=6', 'redis://10.0.0.1:6379/0?***'],
    ['redis://[::1]:6380', 'redis://[::1]:6380'],
  ])('shows host:port of %s with credentials masked', (url, shown) => {
    expect(describeRedisTarget({ url })).toBe(shown);
    expect(maskRedisUrl(url)).not.toContain('secret');
  });

  it('never shows a URL it cannot parse', () => {
    expect(maskRedisUrl('redis://user:sec ret@host:99999')).toBe('redis://*** (unparsable URL)');
  });

  it('lists the cluster seeds', () => {
    const nodes = [
      { host: '10.0.0.1', port: 7000 },
      { host: 'fe80::1', port: 7001 },
    ];
    expect(describeRedisTarget({ cluster: { nodes } })).toBe('Redis Cluster seeds 10.0.0.1:7000, [fe80::1]:7001');
  });

  it("shows a user's client by the address it carries, never its password", () => {
    expect(describeRedisTarget({ client: { options: { host: '10.0.0.5', port: 6390, password: 'secret' } } })).toBe('your client (10.0.0.5:6390)');
    expect(describeRedisTarget({ client: { isCluster: true, options: {} } })).toBe('your Redis Cluster client');
    expect(describeRedisTarget({ client: {} })).toBe('your client');
  });
});
