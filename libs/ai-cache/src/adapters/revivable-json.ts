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
 * The encoding is injective, so it also serves as the key material of a call. Reviving knows three
 * constructors only and never lets the data set a prototype: nothing read back can run code. Anything else (a Map, a class instance, a cycle) is left as it is, for the codec to
 * reject: a value we cannot store is not cached, and the call still answers.
 */
const TAG = '$aiCache';

/**
 * The revivable JSON of `value`. Copy on write: objects and arrays holding nothing to tag are
 * returned as they are (most of a prompt or a result), so only the path to a tagged value is copied.
 */
export function toRevivableJson(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return { [TAG]: 'Date', time: Number.isNaN(value.getTime()) ? null : value.getTime() };
  if (value instanceof Uint8Array) return { [TAG]: 'Uint8Array', base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof URL) return { [TAG]: 'URL', href: value.href };
  if (ancestors.includes(value)) return value; // a cycle: left for the codec to reject
  if (!Array.isArray(value) && !isPlainRecord(value)) return value;

  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const encoded = toRevivableJson(value[index], ancestors);
        if (encoded !== value[index]) (copy ??= value.slice())[index] = encoded;
      }
      return copy ?? value;
    }
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const encoded = toRevivableJson(record[key], ancestors);
      if (encoded !== record[key]) setOwn((copy ??= { ...record }), key, encoded);
    }
    return Object.hasOwn(record, TAG) ? { [TAG]: 'Object', value: copy ?? record } : (copy ?? record);
  } finally {
    ancestors.pop();
  }
}

/**
 * Turns the tags of {@link toRevivableJson} back into Dates, bytes and URLs, in place: `value` must
 * be the caller's own copy (what the cache hands out always is). Only tagged objects are replaced;
 * a Date or a Uint8Array already there is left alone, so reviving twice is harmless.
 */
export function fromRevivableJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const revived = fromRevivableJson(value[index]);
      if (revived !== value[index]) value[index] = revived;
    }
    return value;
  }
  if (!isPlainRecord(value)) return value; // a Date, bytes, a URL: already revived
  const record = value as Record<string, unknown>;
  switch (Object.hasOwn(record, TAG) ? record[TAG] : undefined) {
    case 'Date':
      return new Date(typeof record.time === 'number' ? record.time : Number.NaN);
    case 'Uint8Array':
      return typeof record.base64 === 'string' ? new Uint8Array(Buffer.from(record.base64, 'base64')) : new Uint8Array();
    case 'URL':
      return parseUrl(record.href);
    case 'Object':
      return reviveMembers(record.value);
    default:
      return reviveMembers(record);
  }
}

function reviveMembers(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fromRevivableJson(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const revived = fromRevivableJson(record[key]);
    if (revived !== record[key]) setOwn(record, key, revived);
  }
  return record;
}

/**
 * A `{…}` object, from this realm or another (structuredClone and worker messages build objects
 * whose Object.prototype is another realm's): not a Date, a typed array or a class instance.
 */
function isPlainRecord(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  return prototype === null || prototype === Object.prototype || (Object.getPrototypeOf(prototype) === null && prototype.constructor?.name === 'Object');
}

/** `record[key] = value`, except that a `__proto__` key from the data stays a key and never sets a prototype. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

function parseUrl(href: unknown): URL | unknown {
  try {
    return new URL(String(href));
  } catch {
    return href; // not a URL after all (bytes from an untrusted store): keep the text
  }
}
