import { DEFAULT_PORT, resolvePort } from './app.setup';

describe('resolvePort', () => {
  it('defaults to 3000 when PORT is unset or blank', () => {
    expect(resolvePort({})).toBe(DEFAULT_PORT);
    expect(resolvePort({ PORT: ' ' })).toBe(DEFAULT_PORT);
    expect(DEFAULT_PORT).toBe(3000);
  });

  it('reads PORT', () => {
    expect(resolvePort({ PORT: '3999' })).toBe(3999);
    expect(resolvePort({ PORT: '0' })).toBe(0);
  });

  it.each(['http', '-1', '65536', '80.5'])('rejects PORT=%s naming the variable', (value) => {
    expect(() => resolvePort({ PORT: value })).toThrow(`PORT must be an integer from 0 to 65535, got "${value}"`);
  });
});
