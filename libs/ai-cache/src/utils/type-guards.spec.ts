import { describeType, isPlainObject } from './type-guards';

describe('isPlainObject', () => {
  it('accepts object literals and null-prototype objects only', () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const value of [null, undefined, [], new Date(), new Map(), new (class Dto {})(), 'x', 1]) {
      expect(isPlainObject(value)).toBe(false);
    }
  });
});

describe('describeType', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'an array'],
    ['hi', 'the string "hi"'],
    [42, 'number 42'],
    [true, 'boolean true'],
    [new Date(0), 'an instance of Date'],
    [() => 1, 'a function'],
  ])('names %p as %s', (value, expected) => {
    expect(describeType(value)).toBe(expected);
  });

  it('shortens long strings', () => {
    expect(describeType('x'.repeat(200))).toBe(`the string "${'x'.repeat(80)}…"`);
  });
});
