import { cacheControlsFromHeaders } from './cache-control.parser';

describe('cacheControlsFromHeaders', () => {
  it.each([
    ['no-cache', { noCache: true }],
    ['no-store', { noStore: true }],
    ['no-cache, no-store', { noCache: true, noStore: true }],
    ['max-age=0', { noCache: true }],
    ['max-age="0"', { noCache: true }],
    ['max-age=60', {}],
    ['No-Cache', { noCache: true }],
    ['private, NO-STORE , max-stale', { noStore: true }],
    ['', {}],
    ['no-cache-please', {}],
  ])('maps Cache-Control %p to %p', (header, expected) => {
    expect(cacheControlsFromHeaders(header)).toEqual(expected);
  });

  it('joins repeated headers', () => {
    expect(cacheControlsFromHeaders(['max-age=10', 'no-store'])).toEqual({ noStore: true });
  });

  it('reads Pragma: no-cache only when there is no Cache-Control', () => {
    expect(cacheControlsFromHeaders(undefined, 'no-cache')).toEqual({ noCache: true });
    expect(cacheControlsFromHeaders('max-age=60', 'no-cache')).toEqual({});
    expect(cacheControlsFromHeaders(undefined, undefined)).toEqual({});
  });

  it('ignores values that are not headers', () => {
    expect(cacheControlsFromHeaders(42)).toEqual({});
    expect(cacheControlsFromHeaders([1, 2])).toEqual({});
  });
});
