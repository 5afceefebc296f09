import { envelopeJson } from './entry-envelope';
import { copyAsStored } from './json-tree-copy';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const stored = (value: unknown) => copyAsStored(value, envelopeJson({ value, cachedAt: 1 }));

describe('copyAsStored', () => {
  it.each([
    ['a plain tree', { a: 1, b: ['x', { c: null, d: true }], e: 'text' }],
    ['undefined members and array items', { gone: undefined, list: [undefined, 1, , 3] }],
    ['a Date (toJSON)', { at: new Date(86_400_000) }],
    ['-0', { zero: -0, list: [-0] }],
    ['a class instance', { point: new (class Point { x = 1; y = 2; })() }],
    ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":true},"a":1}')],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 })],
  ])('equals a JSON round trip for %s', (_name, value) => {
    const copy = stored(value);
    expect(copy).toStrictEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(value)));
  });

  it('shares nothing mutable with the original', () => {
    const value = { nested: { list: [1, 2] } };
    const copy = stored(value) as typeof value;
    value.nested.list.push(3);
    expect(copy.nested.list).toEqual([1, 2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
