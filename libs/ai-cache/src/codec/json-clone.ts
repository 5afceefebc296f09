/**
 * A deep copy of a tree that came out of `JSON.parse`: plain objects, arrays, strings, finite
 * numbers, booleans and null. Memory tiers keep each entry parsed once and hand every hit a copy
 * made by this function, so no caller can change what is cached through the value it was given.
 *
 * Why not parse the stored JSON again on every hit, or use structuredClone: both cost many times
 * this copy on a chat-completion response (bench/PERFORMANCE.md, "Figures behind the code").
 * Object spread is V8's fastest way to copy a plain object (one IC for objects of one shape), and
 * strings are immutable, so they are shared rather than copied.
 *
 * Only for JSON trees: class instances, Maps, Dates and other built-ins would come back as plain
 * objects. A `"__proto__"` key (an own property after JSON.parse) stays an own property: spread
 * defines properties and never calls the `__proto__` setter.
 */
export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return cloneArray(value) as T;
  return cloneObject(value as Record<string, unknown>) as T;
}

function cloneArray(source: unknown[]): unknown[] {
  // slice() keeps V8's packed element kinds: an array of numbers is copied as one block.
  const copy = source.slice();
  for (let i = 0; i < copy.length; i++) {
    const item = copy[i];
    if (typeof item === 'object' && item !== null) copy[i] = cloneJson(item);
  }
  return copy;
}

function cloneObject(source: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...source };
  for (const key in source) {
    const member = source[key];
    // hasOwn only for nested objects (the rare case): an enumerable property someone added to
    // Object.prototype must not turn into an own property of the copy.
    if (typeof member === 'object' && member !== null && Object.hasOwn(source, key)) copy[key] = cloneJson(member);
  }
  return copy;
}
