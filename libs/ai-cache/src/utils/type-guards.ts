/** Plain data objects only: `{…}` literals and `Object.create(null)`, never class instances, arrays or built-ins. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How error messages name a bad value: its type, and the value itself when short and harmless to show. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}`;
    case 'undefined':
      return 'undefined';
    default:
      return `a ${typeof value}`;
  }
}
