/**
 * SDK results hold a few values JSON cannot carry: Dates (`response.timestamp`), bytes (generated
 * files, `Uint8Array` prompt parts) and URLs. These two functions turn them into tagged JSON and
 * back, so that a cached result replays with the same types it had when computed:
 *
 *     Date       → { $aiCache: 'Date', time }          (time: epoch ms, null for an invalid date)
 *     Uint8Array → { $aiCache: 'Uint8Array', base64 }  (Buffers too; revived as Uint8Array)
 *     URL        → { $aiCache: 'URL', href }
 *     an object with its own `$aiCache` key → { $aiCache: 'Object', value } (so data never passes for a tag)
 *
 * The encoding is injective, so it also serves as the key material of a call. Reviving builds new
 * plain objects (no prototype from the data) and knows three constructors only: nothing read back
 * can run code. Anything else (a Map, a class instance, a cycle) is left as it is, for the codec to
 * reject: a value we cannot store is not cached, and the call still answers.
 */
const TAG = '$aiCache';

export function toRevivableJson(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return { [TAG]: 'Date', time: Number.isNaN(value.getTime()) ? null : value.getTime() };
  if (value instanceof Uint8Array) return { [TAG]: 'Uint8Array', base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof URL) return { [TAG]: 'URL', href: value.href };
  if (ancestors.includes(value)) return value; // a cycle: left for the codec to reject
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;

  ancestors.push(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toRevivableJson(item, ancestors));
    const encoded = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toRevivableJson(item, ancestors)]));
    return Object.hasOwn(value, TAG) ? { [TAG]: 'Object', value: encoded } : encoded;
  } finally {
    ancestors.pop();
  }
}

export function fromRevivableJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(fromRevivableJson);
  const record = value as Record<string, unknown>;
  switch (Object.hasOwn(record, TAG) ? record[TAG] : undefined) {
    case 'Date':
      return new Date(typeof record.time === 'number' ? record.time : Number.NaN);
    case 'Uint8Array':
      return typeof record.base64 === 'string' ? new Uint8Array(Buffer.from(record.base64, 'base64')) : new Uint8Array();
    case 'URL':
      return parseUrl(record.href);
    case 'Object':
      return reviveEntries(record.value);
    default:
      return reviveEntries(record);
  }
}

function reviveEntries(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fromRevivableJson(value);
  // fromEntries defines own properties: a `__proto__` key in the data stays a key, never a prototype.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromRevivableJson(item)]));
}

function parseUrl(href: unknown): URL | unknown {
  try {
    return new URL(String(href));
  } catch {
    return href; // not a URL after all (bytes from an untrusted store): keep the text
  }
}
