import { assertJsonCompatible, canonicalJson, MAX_JSON_DEPTH, MAX_JSON_LENGTH } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, whatever the insertion order', () => {
    const a = { model: { name: 'm', params: { top_p: 1, temperature: 0.2 } }, max: 100 };
    const b = { max: 100, model: { params: { temperature: 0.2, top_p: 1 }, name: 'm' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"max":100,"model":{"name":"m","params":{"temperature":0.2,"top_p":1}}}');
  });

  it('sorts keys inside objects nested in arrays, but keeps array order', () => {
    expect(canonicalJson([{ b: 1, a: 2 }, 3])).toBe('[{"a":2,"b":1},3]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('keeps numbers and numeric strings apart', () => {
    expect(canonicalJson({ n: 1 })).not.toBe(canonicalJson({ n: '1' }));
    expect(canonicalJson(true)).not.toBe(canonicalJson('true'));
    expect(canonicalJson(null)).not.toBe(canonicalJson('null'));
  });

  it('drops undefined properties and writes undefined array items as null, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('gives the same text as JSON.stringify for data whose keys are already sorted', () => {
    const value = { a: [1, 'two', null, true, { b: -0.5, c: 'é\u0000"\\' }], d: 'x\ud800y', e: 1e21 };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('keeps strings that differ only by a lone surrogate apart', () => {
    expect(canonicalJson('\ud800')).not.toBe(canonicalJson('\ud801'));
    expect(canonicalJson('\ud800')).not.toBe(canonicalJson('\ufffd'));
  });

  it('uses toJSON, so a Date becomes its ISO string', () => {
    const date = new Date('2024-01-02T03:04:05.000Z');
    expect(canonicalJson({ at: date })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it('accepts objects with a null prototype and class instances by their own enumerable properties', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    class Settings {
      constructor(
        public temperature = 0.5,
        public model = 'm',
      ) {}
    }
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
    expect(canonicalJson(new Settings())).toBe('{"model":"m","temperature":0.5}');
  });

  it('unwraps boxed primitives as JSON does', () => {
    // eslint-disable-next-line no-new-wrappers
    expect(canonicalJson({ s: new String('x'), n: new Number(2), b: new Boolean(false) })).toBe('{"b":false,"n":2,"s":"x"}');
  });

  it('accepts a shared (non-circular) reference twice', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });

  describe('flat objects of primitives (the usual request options, written without the general walk)', () => {
    // Outputs of the general walk, computed before the flat-object fast path existed.
    it.each<[string, Record<string, unknown>, string]>([
      [
        'keys sorted by UTF-16 code units, integer-like keys included',
        { '\uffff': 1, '😀': 2, é: 3, B: 4, a: 5, '': 6, 10: 7, 9: 8, '-1': 9, '01': 10, a_b: 11, 'a-b': 12 },
        '{"":6,"-1":9,"01":10,"10":7,"9":8,"B":4,"a":5,"a-b":12,"a_b":11,"é":3,"😀":2,"\uffff":1}',
      ],
      [
        'numbers as JSON.stringify writes them',
        { zero: 0, negZero: -0, big: 1e21, small: 1e-7, sum: 0.1 + 0.2, tiny: 5e-324, max: Number.MAX_VALUE, neg: -42.5, int: 2 ** 53 },
        '{"big":1e+21,"int":9007199254740992,"max":1.7976931348623157e+308,"neg":-42.5,"negZero":0,"small":1e-7,"sum":0.30000000000000004,"tiny":5e-324,"zero":0}',
      ],
      [
        'strings and keys that need escaping, and some that do not',
        {
          quote: 'say "hi"',
          backslash: 'a\\b',
          controls: '\u0000\b\f\n\r\t\u001f\u007f',
          separators: '\u2028\u2029',
          lone: 'x\ud800y\udc00',
          pair: '😀',
          latin1: 'é',
          cjk: '東京',
          'key "q"': 1,
          'k\ny': 2,
        },
        '{"backslash":"a\\\\b","cjk":"東京","controls":"\\u0000\\b\\f\\n\\r\\t\\u001f\u007f","k\\ny":2,"key \\"q\\"":1,' +
          '"latin1":"é","lone":"x\\ud800y\\udc00","pair":"😀","quote":"say \\"hi\\"","separators":"\u2028\u2029"}',
      ],
      ['undefined members dropped, null and booleans kept', { a: undefined, b: null, c: true, d: false, e: undefined }, '{"b":null,"c":true,"d":false}'],
      ['no members', {}, '{}'],
      ['only undefined members', { a: undefined }, '{}'],
    ])('%s', (_label, value, expected) => {
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson(Object.assign(Object.create(null) as object, value))).toBe(expected);
    });

    it('writes exactly what the general walk writes, for generated objects', () => {
      // Inside an array, an object goes through the general walk; at the top, through the fast path.
      const keys = ['', 'a', 'B', 'b', '10', '9', '01', '-1', 'é', 'É', '中', '😀', '\uffff', 'a"b', 'a\\b', '\n', '\ud800', 'max_tokens', 'model', 'top_p'];
      const values = ['', 'x', 'é', '東京', '😀', '\ud800', '\udc00x', '"', '\\', '\u0000', '\u007f', '\u2028', 0, -0, 1, -1.5, 1e21, 1e-7, 0.1, 2 ** 53, true, false, null, undefined];
      let seed = 42;
      const next = (bound: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      for (let round = 0; round < 500; round++) {
        const value: Record<string, unknown> = {};
        const size = next(keys.length + 1);
        for (let i = 0; i < size; i++) value[keys[next(keys.length)]] = values[next(values.length)];
        expect(canonicalJson(value)).toBe(canonicalJson([value]).slice(1, -1));
      }
    });

    it('sorts more keys than an insertion sort is used for', () => {
      const names = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
      const value = Object.fromEntries(names.map((name) => [name, name]));
      const json = canonicalJson(value);
      expect(json).toBe(canonicalJson([value]).slice(1, -1));
      expect(Object.keys(JSON.parse(json) as object)).toEqual([...names].sort());
    });

    it('leaves toJSON, getters and invalid numbers to the general walk', () => {
      expect(canonicalJson({ a: 1, toJSON: () => ({ z: 1 }) })).toBe('{"z":1}');
      expect(canonicalJson({ b: 2, get a() { return 'got'; } })).toBe('{"a":"got","b":2}');
      expect(() => canonicalJson({ a: 'fine', n: NaN }, 'options')).toThrow(/options\.n: NaN is not a finite number/);
      expect(() => canonicalJson({ a: Symbol('s'), n: NaN }, 'options')).toThrow(/options\.a: a symbol/);
    });
  });

  describe('rejects what JSON would lose, naming the path', () => {
    it.each<[string, unknown, RegExp]>([
      ['a function', { model: { fn: () => 1 } }, /options\.model\.fn: a function/],
      ['a symbol', { s: Symbol('x') }, /options\.s: a symbol/],
      ['a BigInt', { big: 10n }, /options\.big: a bigint/],
      ['NaN', { list: [1, NaN] }, /options\.list\[1\]: NaN is not a finite number/],
      ['Infinity', { x: Infinity }, /options\.x: Infinity is not a finite number/],
      ['-Infinity', { x: -Infinity }, /options\.x: -Infinity is not a finite number/],
      ['a Map', { m: new Map([[1, 2]]) }, /options\.m: a Map would be saved as \{\}/],
      ['a Set', { s: new Set([1]) }, /options\.s: a Set/],
      ['a RegExp', { r: /x/ }, /options\.r: a RegExp/],
      ['a Promise', { p: Promise.resolve(1) }, /options\.p: a Promise/],
      ['an Error', { e: new Error('x') }, /options\.e: an Error/],
      ['a typed array', { t: new Uint8Array(2) }, /options\.t: a Uint8Array/],
      ['a boxed symbol', { s: Object(Symbol('x')) }, /options\.s: a boxed symbol/],
      ['an awkward key', { 'a b': { 'c-d': () => 1 } }, /options\["a b"\]\["c-d"\]: a function/],
    ])('%s', (_label, value, message) => {
      expect(() => canonicalJson(value, 'options')).toThrow(TypeError);
      expect(() => canonicalJson(value, 'options')).toThrow(message);
      expect(() => assertJsonCompatible(value, 'options')).toThrow(message);
    });

    it('a circular reference, however deep', () => {
      const root: Record<string, unknown> = { a: { b: {} } };
      (root.a as { b: Record<string, unknown> }).b.back = root;
      expect(() => canonicalJson(root, 'options')).toThrow(/options\.a\.b\.back: circular reference/);
      expect(() => assertJsonCompatible(root, 'options')).toThrow(/options\.a\.b\.back: circular reference/);
    });

    it('a circular array', () => {
      const list: unknown[] = [1];
      list.push(list);
      expect(() => canonicalJson(list)).toThrow(/value\[1\]: circular reference/);
    });

    it('undefined as the whole value', () => {
      expect(() => canonicalJson(undefined, 'options')).toThrow(/options: undefined/);
      expect(() => assertJsonCompatible(undefined, 'options')).toThrow(/options: undefined/);
    });
  });
});

describe('assertJsonCompatible', () => {
  it('accepts JSON data of every shape without building anything', () => {
    const value = { a: [1, 'x', null, true, { b: [] }], c: new Date(0), d: undefined, e: Object.create(null) };
    expect(() => assertJsonCompatible(value)).not.toThrow();
    expect(() => assertJsonCompatible(0)).not.toThrow();
    expect(() => assertJsonCompatible(null)).not.toThrow();
    expect(() => assertJsonCompatible('')).not.toThrow();
  });

  it('checks what toJSON returns rather than the object itself', () => {
    const wrapper = { toJSON: () => ({ inner: () => 1 }) };
    expect(() => assertJsonCompatible({ w: wrapper })).toThrow(/value\.w\.inner: a function/);
    expect(() => assertJsonCompatible({ w: { toJSON: () => 'fine' } })).not.toThrow();
  });
});

/** `{ a: { a: … } }`, `levels` objects deep (the outermost is level 1). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

describe.each([
  ['canonicalJson', (value: unknown, path: string) => void canonicalJson(value, path)],
  ['assertJsonCompatible', (value: unknown, path: string) => assertJsonCompatible(value, path)],
])('%s bounds (depth and JSON length)', (_name, walk) => {
  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more, naming where`, () => {
    expect(() => walk(nested(MAX_JSON_DEPTH), 'options')).not.toThrow();
    expect(() => walk({ list: [nested(MAX_JSON_DEPTH - 2)] }, 'options')).not.toThrow();
    expect(() => walk({ list: [nested(MAX_JSON_DEPTH - 1)] }, 'options')).toThrow(/options\.list\[0\](\.a){98}: nested deeper/);
    const tooDeep = `options${'.a'.repeat(MAX_JSON_DEPTH)}: nested deeper than ${MAX_JSON_DEPTH} levels`;
    expect(() => walk(nested(MAX_JSON_DEPTH + 1), 'options')).toThrow(new TypeError(`Cannot serialize ${tooDeep}`));
  });

  it('refuses options nested 5000 deep with a TypeError, not a stack overflow', () => {
    expect(() => walk(nested(5000), 'options')).toThrow(TypeError);
    expect(() => walk(nested(5000), 'options')).toThrow(/^Cannot serialize options\.a\.a.*: nested deeper than 100 levels$/);
    let list: unknown[] = [];
    for (let i = 0; i < 5000; i++) list = [list];
    expect(() => walk({ list }, 'options')).toThrow(/options\.list(\[0\]){99}: nested deeper/);
  });

  it('refuses an array too long to write before visiting its items (new Array(1e8))', () => {
    expect(() => walk({ a: new Array(1e8) }, 'options')).toThrow(TypeError);
    expect(() => walk({ a: new Array(1e8) }, 'options')).toThrow(`Cannot serialize options.a: its JSON would exceed ${MAX_JSON_LENGTH} characters (100000000 items)`);
  });

  it('refuses strings that take the JSON over the bound, naming the member', () => {
    const half = 'x'.repeat(MAX_JSON_LENGTH / 2);
    expect(() => walk({ one: half }, 'options')).not.toThrow();
    expect(() => walk({ one: half, two: half }, 'options')).toThrow(/^Cannot serialize options\.two: its JSON would exceed/);
    expect(() => walk({ list: [1, half, half] }, 'options')).toThrow(/^Cannot serialize options\.list\[2\]: its JSON would exceed/);
    expect(() => walk({ n: { deeper: [half, half] } }, 'options')).toThrow(/^Cannot serialize options\.n\.deeper\[1\]: its JSON/);
  });
});

describe('canonicalJson length accounting', () => {
  it('accepts JSON of exactly MAX_JSON_LENGTH characters and refuses one more', () => {
    // ["…"] is the string plus 4 characters.
    const exact = ['x'.repeat(MAX_JSON_LENGTH - 4)];
    expect(canonicalJson(exact)).toHaveLength(MAX_JSON_LENGTH);
    expect(() => canonicalJson(['x'.repeat(MAX_JSON_LENGTH - 3)])).toThrow(/value\[0\]: its JSON would exceed/);
    // The flat-object fast path too: {"a":"…"} is the string plus 8.
    expect(canonicalJson({ a: 'y'.repeat(MAX_JSON_LENGTH - 8) })).toHaveLength(MAX_JSON_LENGTH);
    expect(() => canonicalJson({ a: 'y'.repeat(MAX_JSON_LENGTH - 7) }, 'options')).toThrow(/options\.a: its JSON would exceed/);
  });
});
