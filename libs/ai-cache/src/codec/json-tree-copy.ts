import { parseEnvelope } from './entry-envelope';

/**
 * A private copy of a value about to be cached in memory, equal to what a Redis round trip of it
 * returns (`JSON.parse(JSON.stringify(value))`), so that every tier answers the same.
 *
 * The usual value is a plain JSON tree (what a model client returns), copied directly: an order of
 * magnitude cheaper than parsing its JSON (bench/PERFORMANCE.md, "Figures behind the code"). Anything JSON
 * would transform (a `toJSON` method such as a Date's, a class instance, `-0`) is taken from the
 * envelope JSON the entry was written with instead, which JSON has already normalised.
 *
 * `value` must have passed `assertJsonCompatible`; `envelopeJson` is its entry's envelope JSON.
 */
export function copyAsStored<T>(value: T, envelopeJson: string): T {
  const copy = copyTree(value);
  if (copy !== NOT_PLAIN) return copy as T;
  return parseEnvelope(envelopeJson)!.v as T;
}

const NOT_PLAIN = Symbol('not a plain JSON tree');

function copyTree(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0.
      return Object.is(value, -0) ? NOT_PLAIN : value;
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? copyArray(value) : copyObject(value as Record<string, unknown>);
    default:
      return NOT_PLAIN;
  }
}

function copyArray(source: unknown[]): unknown {
  if (Object.getPrototypeOf(source) !== Array.prototype) return NOT_PLAIN;
  const copy = new Array<unknown>(source.length);
  for (let i = 0; i < source.length; i++) {
    const item = source[i];
    // JSON writes a missing or undefined item as null.
    const copied = item === undefined ? null : copyTree(item);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    copy[i] = copied;
  }
  return copy;
}

function copyObject(source: Record<string, unknown>): unknown {
  const prototype: unknown = Object.getPrototypeOf(source);
  if ((prototype !== Object.prototype && prototype !== null) || typeof source.toJSON === 'function') return NOT_PLAIN;
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const member = source[key];
    if (member === undefined) continue; // JSON drops undefined members
    const copied = copyTree(member);
    if (copied === NOT_PLAIN) return NOT_PLAIN;
    // defineProperty semantics: a "__proto__" key stays an own property, as JSON.parse makes it.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: copied, enumerable: true, writable: true, configurable: true });
    else copy[key] = copied;
  }
  return copy;
}
