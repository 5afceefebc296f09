import { msToWholeSeconds, parseDurationSeconds, secondsToMs } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    [90, 90],
    [1.5, 1.5],
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86400],
    ['500ms', 0.5],
    [' 2 h ', 7200],
  ])('reads %p as %p seconds', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each([-1, Number.NaN, Infinity, '', 'abc', '-5m', '10y', '1e3', null, undefined, {}, [] as unknown])(
    'rejects %p',
    (input) => {
      expect(parseDurationSeconds(input)).toBeUndefined();
    },
  );
});

describe('ms conversions', () => {
  it('keeps fractional seconds and never rounds a positive TTL to zero', () => {
    expect(secondsToMs(1.5)).toBe(1500);
    expect(secondsToMs(0.0001)).toBe(1);
  });

  it('reports whole seconds left, rounded up like Redis TTL', () => {
    expect(msToWholeSeconds(1)).toBe(1);
    expect(msToWholeSeconds(1000)).toBe(1);
    expect(msToWholeSeconds(1001)).toBe(2);
  });
});
