import { types } from 'node:util';
import { sortedKeys } from './sorted-keys';

/**
 * Deepest nesting of objects and arrays accepted in request options and in cached values (the
 * value itself is level 1). Deeper data would overflow the call stack of every recursive walk over
 * it (this one, a copy on each hit) long before it could mean anything to a model.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Longest JSON text accepted for request options and for cached values, in UTF-16 code units (64 Mi
 * characters). Checked while walking, so a value that could never be written (`new Array(1e8)`
 * alone is 500 M characters of `null,`) is refused before any of it is built. A value this large
 * could not be read back either: stored entries are never inflated beyond 64 MiB.
 */
export const MAX_JSON_LENGTH = 64 * 1024 * 1024;

/**
 * One walk over a value; keeps the path as a stack of keys so that it is only spelled out on error.
 * Both modes count the JSON text as they go and refuse what exceeds {@link MAX_JSON_DEPTH} or
 * {@link MAX_JSON_LENGTH} with a TypeError naming the path.
 */
export class JsonWalk {
  private readonly keys: Array<string | number> = [];
  private readonly ancestors: object[] = [];
  /** Characters written so far (`canonical`), or at least needed so far (`check`: escapes aside). */
  private length = 0;

  constructor(private readonly rootPath: string) {}

  /** Canonical text of `value`, or undefined where JSON drops it (an undefined property). */
  canonical(value: unknown, key: string, afterToJson: boolean): string | undefined {
    switch (typeof value) {
      case 'string':
        return this.written(JSON.stringify(value));
      case 'boolean':
        return this.written(value ? 'true' : 'false');
      case 'undefined':
        return undefined;
      case 'number':
        if (!Number.isFinite(value)) throw this.error(`${value} is not a finite number`);
        return this.written(JSON.stringify(value));
      case 'object':
        break;
      default:
        throw this.error(`a ${typeof value} has no JSON representation`);
    }
    if (value === null) return this.written('null');
    if (!afterToJson && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return this.canonical((value as { toJSON(key: string): unknown }).toJSON(key), key, true);
    }
    if (!isPlainContainer(value)) {
      const unboxed = this.unboxOrReject(value);
      if (unboxed !== value) return this.canonical(unboxed, key, true);
    }

    this.enter(value);
    let json: string;
    if (Array.isArray(value)) {
      this.enterArray(value.length);
      const items: string[] = [];
      for (let index = 0; index < value.length; index++) {
        this.keys.push(index);
        items.push(this.canonical(value[index], String(index), false) ?? this.written('null'));
        this.keys.pop();
      }
      json = `[${items.join(',')}]`;
    } else {
      this.grow(2);
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const name of sortedKeys(record)) {
        this.keys.push(name);
        const member = this.canonical(record[name], name, false);
        if (member !== undefined) {
          const quoted = JSON.stringify(name);
          // The name, its colon and the comma before it.
          this.grow(quoted.length + (members.length === 0 ? 1 : 2));
          members.push(`${quoted}:${member}`);
        }
        this.keys.pop();
      }
      json = `{${members.join(',')}}`;
    }
    this.leave();
    return json;
  }

  /** Same rules as {@link canonical}, no output. */
  check(value: unknown, key: string, afterToJson: boolean): void {
    switch (typeof value) {
      case 'string':
        return this.grow(value.length + 2);
      case 'boolean':
        return this.grow(value ? 4 : 5);
      case 'undefined':
        return;
      case 'number':
        if (!Number.isFinite(value)) throw this.error(`${value} is not a finite number`);
        return this.grow(String(value).length);
      case 'object':
        break;
      default:
        throw this.error(`a ${typeof value} has no JSON representation`);
    }
    if (value === null) return this.grow(4);
    if (!afterToJson && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      this.check((value as { toJSON(key: string): unknown }).toJSON(key), key, true);
      return;
    }
    if (!isPlainContainer(value)) {
      const unboxed = this.unboxOrReject(value);
      if (unboxed !== value) return this.check(unboxed, key, true);
    }

    this.enter(value);
    if (Array.isArray(value)) {
      this.enterArray(value.length);
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        // Strings, booleans and holes are nearly all a value holds: counted here, without a call
        // or a path entry (the path is only built for an error).
        if (typeof item === 'string') this.growAt(index, item.length + 2);
        else if (typeof item === 'boolean') this.growAt(index, item ? 4 : 5);
        else if (item === undefined) this.growAt(index, 4);
        else {
          this.keys.push(index);
          this.check(item, String(index), false);
          this.keys.pop();
        }
      }
    } else {
      this.grow(2);
      const record = value as Record<string, unknown>;
      const names = Object.keys(record);
      let separator = 0;
      for (let k = 0; k < names.length; k++) {
        const name = names[k];
        const member = record[name];
        if (member === undefined) continue;
        // The name quoted, its colon and the comma before it (escapes aside, as for every string here).
        const overhead = name.length + 3 + separator;
        separator = 1;
        if (typeof member === 'string') this.growAt(name, overhead + member.length + 2);
        else if (typeof member === 'boolean') this.growAt(name, overhead + (member ? 4 : 5));
        else {
          this.growAt(name, overhead);
          this.keys.push(name);
          this.check(member, name, false);
          this.keys.pop();
        }
      }
    }
    this.leave();
  }

  /** Counts `json` as written; returns it. */
  private written(json: string): string {
    this.grow(json.length);
    return json;
  }

  private grow(characters: number): void {
    this.length += characters;
    if (this.length > MAX_JSON_LENGTH) throw this.error(`its JSON would exceed ${MAX_JSON_LENGTH} characters`);
  }

  /** {@link grow} for the member `key` of the current container, which is not on the path yet. */
  private growAt(key: string | number, characters: number): void {
    this.length += characters;
    if (this.length > MAX_JSON_LENGTH) {
      this.keys.push(key);
      throw this.error(`its JSON would exceed ${MAX_JSON_LENGTH} characters`);
    }
  }

  /**
   * The brackets and commas of an array of `count` items, and one character per item at least: an
   * array too long to write fails here, before any of its items (or empty slots) is visited.
   */
  private enterArray(count: number): void {
    const punctuation = count === 0 ? 2 : count + 1;
    if (this.length + punctuation + count > MAX_JSON_LENGTH) {
      throw this.error(`its JSON would exceed ${MAX_JSON_LENGTH} characters (${count} items)`);
    }
    this.length += punctuation;
  }

  /** Unwraps `new String('x')`-style boxes as JSON does; throws for built-ins JSON would flatten to `{}`. */
  private unboxOrReject(value: object): unknown {
    if (types.isBoxedPrimitive(value)) {
      if (types.isNumberObject(value) || types.isStringObject(value) || types.isBooleanObject(value)) {
        return value.valueOf();
      }
      throw this.error(`a boxed ${typeof value.valueOf()} has no JSON representation`);
    }
    const lossy = lossyBuiltInName(value);
    if (lossy !== undefined) {
      throw this.error(`${withArticle(lossy)} would be saved as {} (convert it to a plain object or array first)`);
    }
    return value;
  }

  /** The ancestors double as the depth: the bound costs one comparison per object or array. */
  private enter(value: object): void {
    if (this.ancestors.length === MAX_JSON_DEPTH) throw this.error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (this.ancestors.includes(value)) throw this.error('circular reference');
    this.ancestors.push(value);
  }

  private leave(): void {
    this.ancestors.pop();
  }

  private error(reason: string): TypeError {
    let path = this.rootPath;
    for (const key of this.keys) {
      if (typeof key === 'number') path += `[${key}]`;
      else path += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    return new TypeError(`Cannot serialize ${path}: ${reason}`);
  }
}

function withArticle(name: string): string {
  return /^[AEIO]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** Plain objects and arrays are nearly all a value holds: they skip the built-in probes. */
function isPlainContainer(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === Array.prototype || prototype === null;
}

function lossyBuiltInName(value: object): string | undefined {
  if (types.isMap(value)) return 'Map';
  if (types.isSet(value)) return 'Set';
  if (types.isWeakMap(value)) return 'WeakMap';
  if (types.isWeakSet(value)) return 'WeakSet';
  if (types.isPromise(value)) return 'Promise';
  if (types.isRegExp(value)) return 'RegExp';
  if (types.isNativeError(value)) return 'Error';
  if (types.isAnyArrayBuffer(value)) return 'ArrayBuffer';
  if (types.isTypedArray(value)) return value.constructor.name;
  if (types.isDataView(value)) return 'DataView';
  return undefined;
}
