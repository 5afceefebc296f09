import { OperatorSecret } from './operator-secret';

describe('OperatorSecret', () => {
  it('matches exactly the configured value', () => {
    const secret = new OperatorSecret(' s3cret-key ');
    expect(secret.configured).toBe(true);
    expect(secret.matches('s3cret-key')).toBe(true);
    for (const given of ['s3cret-ke', 's3cret-key ', 'S3CRET-KEY', 's3cret-keyx', '', undefined, null, 42, ['s3cret-key']]) {
      expect(secret.matches(given)).toBe(false);
    }
  });

  it('is not configured for unset, empty or blank values, and then matches nothing', () => {
    for (const value of [undefined, '', '   ']) {
      const secret = new OperatorSecret(value);
      expect(secret.configured).toBe(false);
      expect(secret.matches('')).toBe(false);
      expect(secret.matches(value ?? 'x')).toBe(false);
    }
  });
});
