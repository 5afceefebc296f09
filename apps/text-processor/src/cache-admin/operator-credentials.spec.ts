import { ConfigService } from '@nestjs/config';
import { OperatorCredentials } from './operator-credentials';

describe('OperatorCredentials', () => {
  // ConfigService reads process.env before the values given here: keep the machine's out of the way.
  const saved = { admin: process.env.CACHE_ADMIN_API_KEY, metrics: process.env.CACHE_METRICS_TOKEN };
  beforeEach(() => {
    delete process.env.CACHE_ADMIN_API_KEY;
    delete process.env.CACHE_METRICS_TOKEN;
  });
  afterAll(() => {
    if (saved.admin !== undefined) process.env.CACHE_ADMIN_API_KEY = saved.admin;
    if (saved.metrics !== undefined) process.env.CACHE_METRICS_TOKEN = saved.metrics;
  });

  it('reads the admin key and the metrics token, and signs dashboard sessions with the admin key', () => {
    const credentials = new OperatorCredentials(new ConfigService({ CACHE_ADMIN_API_KEY: ' admin ', CACHE_METRICS_TOKEN: 'scrape' }));
    expect(credentials.admin.matches('admin')).toBe(true);
    expect(credentials.metrics.matches('scrape')).toBe(true);
    expect(credentials.metrics.matches('admin')).toBe(false);
    const session = credentials.sessions!.issue();
    expect(credentials.sessions!.verify(session)).toBe(true);
    expect(new OperatorCredentials(new ConfigService({ CACHE_ADMIN_API_KEY: 'other' })).sessions!.verify(session)).toBe(false);
  });

  it('has no sessions and nothing configured when the variables are unset or blank', () => {
    const credentials = new OperatorCredentials(new ConfigService({ CACHE_ADMIN_API_KEY: '  ' }));
    expect(credentials.admin.configured).toBe(false);
    expect(credentials.metrics.configured).toBe(false);
    expect(credentials.sessions).toBeUndefined();
  });
});
