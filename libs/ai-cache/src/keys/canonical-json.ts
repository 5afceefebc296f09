import { JsonWalk, MAX_JSON_DEPTH, MAX_JSON_LENGTH } from './json-walk';
import { sortedKeys } from './sorted-keys';

export { MAX_JSON_DEPTH, MAX_JSON_LENGTH };

/**
 * Deterministic JSON for hashing request options: `{a, b}` and `{b, a}` must give one cache key, at
 * every depth. Output is what `JSON.stringify` would give with object keys sorted (by UTF-16 code
 * units, as `Array.prototype.sort` does): arrays keep their order, `undefined` properties are
 * dropped and `undefined` array items become `null`, as JSON does, and `toJSON()` is honoured
 * (a Date becomes its ISO string).
 *
 * Where JSON would silently lose information, this throws a TypeError naming the path instead
 * (`options.model.fn`): two requests that differ only in a function or a Map would otherwise share
 * a key. Rejected: functions, symbols, BigInt, NaN and ±Infinity, circular references, and
 * built-ins JSON turns into `{}` (Map, Set, WeakMap, WeakSet, Promise, RegExp, Error, ArrayBuffer,
 * typed arrays, DataView). So does data nested deeper than {@link MAX_JSON_DEPTH} levels or whose
 * JSON would exceed {@link MAX_JSON_LENGTH} characters, found before the text is built.
 *
 * @param path name of `value` in error messages, e.g. `'options'`.
 */
export function canonicalJson(value: unknown, path = 'value'): string {
  const flat = flatRecordJson(value);
  if (flat !== undefined) return flat;
  const json = new JsonWalk(path).canonical(value, '', false);
  if (json === undefined) throw new TypeError(`Cannot serialize ${path}: undefined has no JSON representation`);
  return json;
}

/**
 * The usual request options, `{ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 512 }`: a plain
 * object whose values are all strings, finite numbers, booleans, null or undefined. Written here in
 * one loop, without the walk's path and ancestor bookkeeping: the bench's getCachedResponse row shows
 * it (bench/PERFORMANCE.md, "Micro-optimizations, measured"). The output is byte for byte the walk's: same key order ({@link sortedKeys}),
 * undefined members dropped, strings quoted as `JSON.stringify` does, numbers written as
 * `JSON.stringify` does. Anything else (a nested value, NaN, a `toJSON` method, a class instance)
 * returns undefined, and the walk then writes or rejects it with its own error message.
 */
function flatRecordJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;

  const record = value as Record<string, unknown>;
  const names = sortedKeys(record);
  let json = '{';
  let separator = '';
  for (let index = 0; index < names.length; index++) {
    const name = names[index];
    const member = primitiveJson(record[name]);
    if (member === null) return undefined;
    if (member === undefined) continue;
    // Too long: the walk names the member that takes it over the bound.
    if (json.length + member.length > MAX_JSON_LENGTH) return undefined;
    json += `${separator}${quoteJson(name)}:${member}`;
    separator = ',';
  }
  return json.length < MAX_JSON_LENGTH ? `${json}}` : undefined;
}

/** JSON text of a primitive, undefined where JSON drops it, null when the general walk must decide. */
function primitiveJson(value: unknown): string | undefined | null {
  switch (typeof value) {
    case 'string':
      return quoteJson(value);
    case 'number':
      // For a finite number JSON.stringify is ToString (ECMA-262 SerializeJSONProperty), and
      // String() skips its call overhead.
      return Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    default:
      return value === null ? 'null' : null;
  }
}

/** What JSON.stringify escapes: `"`, `\`, control characters and (lone) surrogates; anything else is copied. */
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify(text)` for a string, without its call for a short name with nothing to escape,
 * the usual case. Paired surrogates go to JSON.stringify too, which keeps them as is.
 */
function quoteJson(text: string): string {
  return NEEDS_JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * Throws the TypeError {@link canonicalJson} would throw, without building any output: a cheap
 * pre-check before handing `value` to the native `JSON.stringify` (which keeps its own key order).
 * The length bound counts strings without their escapes, so the JSON may come out a little
 * longer than counted, never more than the escapes themselves.
 */
export function assertJsonCompatible(value: unknown, path = 'value'): void {
  if (value === undefined) throw new TypeError(`Cannot serialize ${path}: undefined has no JSON representation`);
  new JsonWalk(path).check(value, '', false);
}
