import type { CacheEntry } from '../interfaces/cache-entry.interface';

/**
 * The JSON an entry is stored as, inside the binary header of `envelope-header.ts`:
 * `{ t: cachedAt, o?: operation, l?: textLength, c?: computeMs, v: value }`. Expiry lives in the
 * header, so that `exists`/`getTtl` and L1 fills never need to parse (or decompress) the JSON.
 */
interface EnvelopeJson {
  t: number;
  o?: string;
  l?: number;
  c?: number;
  v: unknown;
}

/** What an entry's JSON holds: everything but the expiry and the storage facts. */
export type EntryPayload = Pick<CacheEntry, 'value' | 'cachedAt' | 'operation' | 'textLength' | 'computeMs'>;

/** The envelope JSON of `payload`. The value must already have passed `assertJsonCompatible`. */
export function envelopeJson(payload: EntryPayload): string {
  assertValidFacts(payload);
  // One object shape for every envelope (absent facts are undefined, which JSON leaves out): a
  // literal of fixed shape keeps JSON.stringify on V8's fast path.
  const envelope: EnvelopeJson = {
    t: payload.cachedAt,
    o: payload.operation,
    l: payload.textLength,
    c: payload.computeMs,
    v: payload.value,
  };
  return JSON.stringify(envelope);
}

/** The envelope JSON as parsed: `{ t, o?, l?, c?, v }`, checked. */
export interface ParsedEnvelope {
  readonly t: number;
  readonly o?: string;
  readonly l?: number;
  readonly c?: number;
  readonly v: unknown;
}

/**
 * The envelope in `text`, or undefined when it is not an intact one: JSON.parse only (nothing stored
 * is ever executed, and a `"__proto__"` key stays a plain own property), then a strict shape check
 * that refuses unknown fields. Never throws.
 */
export function parseEnvelope(text: string): ParsedEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isEnvelope(parsed) ? parsed : undefined;
}

/** Encode refuses what decode would refuse, so a write can never produce an entry that reads as corrupt. */
function assertValidFacts(payload: EntryPayload): void {
  if (!isNonNegativeNumber(payload.cachedAt)) {
    throw new TypeError(`entry cachedAt must be epoch milliseconds, got ${String(payload.cachedAt)}`);
  }
  if (payload.operation !== undefined && typeof payload.operation !== 'string') {
    throw new TypeError(`entry operation must be a string, got ${typeof payload.operation}`);
  }
  if (payload.textLength !== undefined && !isCount(payload.textLength)) {
    throw new TypeError(`entry textLength must be an integer >= 0, got ${String(payload.textLength)}`);
  }
  if (payload.computeMs !== undefined && !isNonNegativeNumber(payload.computeMs)) {
    throw new TypeError(`entry computeMs must be a number of milliseconds >= 0, got ${String(payload.computeMs)}`);
  }
}

function isEnvelope(parsed: unknown): parsed is ParsedEnvelope {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  // A plain loop: this runs on every Redis hit, and Object.keys + every + a Set cost a closure per field.
  const fields = Object.keys(parsed);
  let hasValue = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === 'v') hasValue = true;
    else if (field !== 't' && field !== 'o' && field !== 'l' && field !== 'c') return false;
  }
  if (!hasValue) return false;
  const { t, o, l, c } = parsed as Record<string, unknown>;
  return isNonNegativeNumber(t) && (o === undefined || typeof o === 'string') && (l === undefined || isCount(l)) && (c === undefined || isNonNegativeNumber(c));
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
