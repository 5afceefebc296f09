import { cloneJson } from './json-clone';

describe('cloneJson', () => {
  it('returns primitives as they are', () => {
    for (const value of ['text', 0, -1.5, true, false, null]) expect(cloneJson(value)).toBe(value);
  });

  it('copies every object and array at every depth, and nothing is shared but strings', () => {
    const source = JSON.parse(
      JSON.stringify({ id: 'x', usage: { total_tokens: 3 }, points: ['a', { b: [1, 2, { c: null }] }], empty: {}, none: [] }),
    ) as Record<string, any>;
    const copy = cloneJson(source);
    expect(copy).toEqual(source);
    expect(copy).not.toBe(source);
    expect(copy.usage).not.toBe(source.usage);
    expect(copy.points).not.toBe(source.points);
    expect(copy.points[1]).not.toBe(source.points[1]);
    expect(copy.points[1].b).not.toBe(source.points[1].b);
    expect(copy.points[1].b[2]).not.toBe(source.points[1].b[2]);
    expect(copy.empty).not.toBe(source.empty);
    expect(copy.none).not.toBe(source.none);
  });

  it('leaves the source untouched when the copy is mutated', () => {
    const source = JSON.parse('{"a":{"b":[1,{"c":2}]}}') as { a: { b: [number, { c: number }] } };
    const copy = cloneJson(source);
    copy.a.b[0] = 9;
    copy.a.b[1].c = 9;
    (copy.a as Record<string, unknown>).added = true;
    expect(source).toEqual({ a: { b: [1, { c: 2 }] } });
  });

  it('keeps a "__proto__" key an own property and never changes a prototype', () => {
    const source = JSON.parse('{"__proto__":{"polluted":true},"nested":[{"__proto__":{"x":1}}]}') as Record<string, any>;
    const copy = cloneJson(source);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.nested[0])).toBe(Object.prototype);
    expect(copy.polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'nested']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(source));
    expect(copy['__proto__']).not.toBe(source['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not copy enumerable properties inherited from a polluted Object.prototype', () => {
    const source = JSON.parse('{"a":1}') as Record<string, unknown>;
    Object.defineProperty(Object.prototype, 'inheritedForTest', { value: { x: 1 }, enumerable: true, configurable: true });
    try {
      const copy = cloneJson(source);
      expect(Object.hasOwn(copy, 'inheritedForTest')).toBe(false);
      expect(Object.keys(copy)).toEqual(['a']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).inheritedForTest;
    }
  });
});
