import { cloneJson } from '../codec/json-clone';
import { canonicalJson } from '../keys/canonical-json';
import { fromRevivableJson, toRevivableJson } from './revivable-json';

/** What the cache does to a value: JSON out, JSON in. */
const throughJson = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('revivable JSON', () => {
  it('round-trips Dates, bytes and URLs through JSON with their types', () => {
    const value = {
      response: { id: 'r1', timestamp: new Date('2025-01-02T03:04:05.678Z'), modelId: 'm' },
      content: [{ type: 'file', mediaType: 'image/png', data: new Uint8Array([0, 1, 254, 255]) }, { type: 'text', text: 'hi' }],
      source: new URL('https://example.com/a?b=1'),
      buffer: Buffer.from('abc'),
      nothing: null,
      count: 3,
    };
    const revived = fromRevivableJson(throughJson(toRevivableJson(value))) as typeof value;
    expect(revived.response.timestamp).toBeInstanceOf(Date);
    expect(revived.response.timestamp.toISOString()).toBe('2025-01-02T03:04:05.678Z');
    expect(revived.content[0].data).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(revived.source).toBeInstanceOf(URL);
    expect(revived.source.href).toBe('https://example.com/a?b=1');
    expect(Array.from(revived.buffer)).toEqual([97, 98, 99]);
    expect(revived).toMatchObject({ nothing: null, count: 3, content: [{}, { type: 'text', text: 'hi' }] });
  });

  it('keeps data that looks like a tag as data, so two values never encode alike', () => {
    const lookalike = { $aiCache: 'Date', time: 0 };
    const encoded = toRevivableJson({ a: lookalike, b: new Date(0) });
    expect(canonicalJson(encoded)).not.toBe(canonicalJson(toRevivableJson({ a: new Date(0), b: new Date(0) })));
    expect(fromRevivableJson(throughJson(encoded))).toEqual({ a: lookalike, b: new Date(0) });
  });

  it('keeps an invalid Date invalid, and a __proto__ key a plain key', () => {
    expect(Number.isNaN((fromRevivableJson(throughJson(toRevivableJson(new Date('nope')))) as Date).getTime())).toBe(true);
    const revived = fromRevivableJson(JSON.parse('{"__proto__": {"polluted": true}, "x": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(revived)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(revived)).toEqual(['__proto__', 'x']);
  });

  it('leaves what it cannot encode for the codec to reject, cycles included', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const map = new Map([[1, 2]]);
    expect((toRevivableJson({ map }) as { map: unknown }).map).toBe(map);
    expect(() => cloneJson(toRevivableJson(cyclic))).toThrow();
    expect(() => canonicalJson(toRevivableJson({ map }))).toThrow(/Map/);
  });

  it('reads back untrusted tags without failing: an unknown tag stays an object, a bad URL its text', () => {
    expect(fromRevivableJson({ $aiCache: 'Function', source: 'process.exit()' })).toEqual({ $aiCache: 'Function', source: 'process.exit()' });
    expect(fromRevivableJson({ $aiCache: 'URL', href: 'not a url' })).toBe('not a url');
    expect(fromRevivableJson({ $aiCache: 'Uint8Array', base64: 42 })).toEqual(new Uint8Array());
  });

  it('copies only the path to a tagged value, and never changes its input', () => {
    const plain = { messages: [{ role: 'user', content: 'hi' }], temperature: 0 };
    expect(toRevivableJson(plain)).toBe(plain);
    const withDate = { response: { timestamp: new Date(5), id: 'r' }, content: [{ type: 'text', text: 'x' }] };
    const encoded = toRevivableJson(withDate) as typeof withDate;
    expect(encoded).not.toBe(withDate);
    expect(encoded.content).toBe(withDate.content);
    expect(withDate.response.timestamp).toBeInstanceOf(Date);
  });

  it('revives in place, objects built in another realm included, and reviving twice is harmless', () => {
    const copy = structuredClone(toRevivableJson({ response: { timestamp: new Date(7) } })) as { response: { timestamp: unknown } };
    const revived = fromRevivableJson(copy) as { response: { timestamp: Date } };
    expect(revived).toBe(copy);
    expect(revived.response.timestamp.getTime()).toBe(7);
    expect(fromRevivableJson(revived)).toEqual({ response: { timestamp: new Date(7) } });
  });
});
