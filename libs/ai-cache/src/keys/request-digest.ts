import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** SHA-256, base64url, unpadded. */
export const DIGEST_LENGTH = 43;
/** 96 bits: tenants never collide in practice, and the full digest covers the scope too. */
export const SCOPE_DIGEST_LENGTH = 16;

/**
 * Bumping this re-keys every entry: do it whenever the hashed encoding below changes, so that an
 * old entry can never be read as the answer to a request it was not computed for.
 */
const KEY_FORMAT = 'nestjs-ai-cache:request:v1';
const SCOPE_FORMAT = 'nestjs-ai-cache:scope:v1';

/**
 * SHA-256 over an injective encoding of the request: every field but the last is tagged and
 * length-prefixed (`o9:summarize`), so no two different requests feed the hash the same bytes.
 * The text goes last, with no byte count, so that a large text reaches the hash without being
 * copied into an intermediate string or buffer.
 */
export function requestDigest(
  operation: string,
  options: Record<string, unknown> | undefined,
  question: string | undefined,
  scope: string | undefined,
  text: string,
): string {
  const optionsJson = options === undefined ? '{}' : canonicalJson(options, 'options');
  if (text.length <= INLINE_TEXT_LIMIT) {
    // The usual request: a short text, and every field latin1. The whole encoding is then one latin1
    // string (the very bytes of the field-by-field path below), hashed in one native call where
    // each update() would cross into native code. It is checked as a whole, not field by field:
    // scanning the freshly built options JSON on its own would flatten it first, and then again
    // inside the whole string. A short request beyond latin1 builds this string for nothing, which
    // costs it less than the options fast path saves (bench/PERFORMANCE.md, "Figures behind the code").
    const encoding = latin1Head(operation, optionsJson, question, scope, text.length) + text;
    // ASCII first: its check is cheaper than the latin1 regex scan, and most requests pass it.
    if (isAscii(encoding)) return sha256Ascii(encoding);
    if (isLatin1(encoding)) return sha256Bytes(Buffer.from(encoding, 'latin1'));
  }
  const textSplit = latin1PrefixLength(text);
  if (isLatin1(optionsJson) && isLatin1(question) && isLatin1(scope)) {
    // Latin1 fields, but a long text (hashed without being copied) or one beyond latin1.
    const hash = createHash('sha256');
    hash.update(latin1Head(operation, optionsJson, question, scope, textSplit), 'latin1');
    updateLossless(hash, text, textSplit);
    return hash.digest('base64url');
  }
  const hash = createHash('sha256');
  hash.update(`${KEY_FORMAT}\n`);
  hash.update(`o${operation.length}:${operation}`); // validated ASCII: characters are bytes
  updateField(hash, 'p', optionsJson);
  updateField(hash, 'q', question);
  updateField(hash, 's', scope);
  hash.update(`t${textSplit}:`);
  updateLossless(hash, text, textSplit);
  return hash.digest('base64url');
}

/**
 * Node's one-shot `crypto.hash()` (Node >= 20.12, 21.7) skips the Hash object: about half the cost
 * of createHash/update/digest on a key encoding. Older runtimes keep the createHash path.
 */
const oneShotHash: typeof crypto.hash | undefined = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** SHA-256, base64url, of the latin1 bytes of `data` (every character of which is at most U+00FF). */
function sha256Latin1(data: string): string {
  return isAscii(data) ? sha256Ascii(data) : sha256Bytes(Buffer.from(data, 'latin1'));
}

/** SHA-256, base64url, of an ASCII string: crypto.hash() reads strings as UTF-8, the same bytes as latin1 only for ASCII. */
function sha256Ascii(data: string): string {
  return oneShotHash === undefined ? createHash('sha256').update(data, 'latin1').digest('base64url') : oneShotHash('sha256', data, 'base64url');
}

function sha256Bytes(data: Buffer): string {
  return oneShotHash === undefined ? createHash('sha256').update(data).digest('base64url') : oneShotHash('sha256', data, 'base64url');
}

/**
 * Texts up to this many characters are hashed in one call with the fields, which copies them into
 * one string; longer ones get their own update(), uncopied. The copy grows with the text and the
 * saved call does not: the one call is still cheaper at 2,000 characters and dearer at 4,000
 * (bench/PERFORMANCE.md, "Figures behind the code").
 */
const INLINE_TEXT_LIMIT = 2048;

/** What the field-by-field path feeds the hash before the text's bytes, as one string, when every field is latin1. */
function latin1Head(
  operation: string,
  optionsJson: string,
  question: string | undefined,
  scope: string | undefined,
  textSplit: number,
): string {
  return (
    `${KEY_FORMAT}\no${operation.length}:${operation}` +
    `${latin1Field('p', optionsJson)}${latin1Field('q', question)}${latin1Field('s', scope)}t${textSplit}:`
  );
}

/** What {@link updateField} feeds the hash for an absent or all-latin1 value, as one string. */
function latin1Field(name: string, value: string | undefined): string {
  return value === undefined ? `${name}-` : `${name}${value.length}.0:${value}`;
}

/**
 * A string is ASCII exactly when its UTF-8 length is its length (anything else takes 2+ bytes per
 * code unit): several times cheaper than a /[^\x00-\x7f]/ scan.
 */
function isAscii(value: string): boolean {
  return Buffer.byteLength(value, 'utf8') === value.length;
}

function isLatin1(value: string | undefined): boolean {
  return value === undefined || latin1PrefixLength(value) === value.length;
}

/** `<name>-` for an absent field, else `<name><latin1 chars>.<UTF-16 bytes>:<bytes>`. */
function updateField(hash: Hash, name: string, value: string | undefined): void {
  if (value === undefined) {
    hash.update(`${name}-`);
    return;
  }
  const split = latin1PrefixLength(value);
  hash.update(`${name}${split}.${(value.length - split) * 2}:`);
  updateLossless(hash, value, split);
}

/**
 * Strings are hashed as latin1 up to their first character above U+00FF, then as UTF-16LE. Unlike
 * UTF-8, which turns every lone surrogate into U+FFFD (so `'\ud800'` and `'\ufffd'` would collide),
 * this keeps every code unit; it is one byte per character for Latin text, and cheaper than UTF-8
 * for the rest (no transcoding, 2 bytes where UTF-8 needs 3 for CJK). Finding the split is free for
 * strings V8 already stores one byte per character.
 */
function updateLossless(hash: Hash, value: string, split: number): void {
  if (split === value.length) {
    hash.update(value, 'latin1');
    return;
  }
  if (split > 0) hash.update(value.slice(0, split), 'latin1');
  hash.update(value.slice(split), 'utf16le');
}

const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

function latin1PrefixLength(value: string): number {
  const index = value.search(BEYOND_LATIN1);
  return index === -1 ? value.length : index;
}

export function scopeDigest(scope: string): string {
  if (isLatin1(scope)) {
    // The bytes of the path below, as one string: one native call instead of createHash(), three
    // update()s and digest().
    return sha256Latin1(`${SCOPE_FORMAT}\n${latin1Field('s', scope)}`).slice(0, SCOPE_DIGEST_LENGTH);
  }
  const hash = createHash('sha256').update(`${SCOPE_FORMAT}\n`);
  updateField(hash, 's', scope);
  return hash.digest('base64url').slice(0, SCOPE_DIGEST_LENGTH);
}
