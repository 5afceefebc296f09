import { msToWholeSeconds, parseDurationSeconds, secondsToMs, toIsoString } from './duration';

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

describe('toIsoString', () => {
  it('spells every instant exactly as Date#toISOString does', () => {
    const instants = [0, 1, 999, 1000, 951782400000 /* 2000-02-29 */, 1732500000123, 253402300799999, -62135596800000 /* 0001-01-01 */];
    // A deterministic spread over years 1000-9999 and beyond (linear congruential steps).
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      instants.push(-30610224000000 + (seed / 2147483648) * 400_000_000_000_000);
    }
    const mismatches = instants
      .map(Math.floor)
      .filter((ms) => toIsoString(ms) !== new Date(ms).toISOString())
      .map((ms) => `${ms}: ${toIsoString(ms)} vs ${new Date(ms).toISOString()}`);
    expect(mismatches).toEqual([]);
    expect(instants.length).toBeGreaterThan(20_000);
  });

  it('throws for an invalid time, as toISOString does', () => {
    expect(() => toIsoString(Number.NaN)).toThrow(RangeError);
  });
});
