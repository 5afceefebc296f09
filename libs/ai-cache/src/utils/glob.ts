/**
 * Redis glob patterns (SCAN MATCH), reproduced byte for byte so that the memory tier selects exactly
 * the keys Redis would. The parser below follows Redis `stringmatchlen` (src/util.c) step by step,
 * quirks included, because "close enough" would let the two tiers disagree on what an invalidation
 * removes:
 *
 * - Matching is on the UTF-8 bytes of the key, not on characters: `?` is one byte, so `caf?` does not
 *   match `café` (é is two bytes). {@link toGlobSubject} gives the byte string a RegExp must be tested on.
 * - `[a-z]` compares C `char`s, which are signed on x86-64 and most Linux builds: bytes >= 0x80 sort
 *   before ASCII. Reversed ranges (`[z-a]`) are swapped.
 * - `\x` inside or outside a class is the literal `x`; a trailing lone `\` is a literal backslash.
 * - `[` without its `]` is a class running to the end of the pattern; `[]` and a trailing `[` match
 *   nothing; `[^]` matches any byte; a `-` is a range whenever two characters follow it (`[a-]` is
 *   the range `]`..`a`).
 * - More than 1000 `*` groups that are followed by something make Redis give up (its recursion
 *   guard): such a pattern matches nothing.
 *
 * One deliberate difference: Redis' `stringmatchlen` says `*` does not match an empty string, but
 * SCAN special-cases the lone `*`, and both stores only ever match under a non-empty `namespace:`
 * prefix, where that corner cannot arise. Here `*` matches the empty string, so matching a relative
 * key gives the same answer Redis gives for the prefixed one.
 */

/** Most star groups followed by more pattern that Redis' recursion guard (`nesting > 1000`) lets through. */
const MAX_INNER_STAR_GROUPS = 1000;

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const CARET = 0x5e; // ^
const DASH = 0x2d; // -

const ANY_BYTE = '[\\s\\S]';
const NEVER = '(?!)';

/** One pattern element: `*`, or the set of byte values that one subject byte may take. */
type GlobToken = 'star' | boolean[];

/**
 * Compiles a Redis glob to an anchored RegExp over a key's UTF-8 byte string (see {@link toGlobSubject};
 * for an ASCII key that is the key itself). Prefer {@link compileGlob} unless keys are known ASCII.
 *
 * The RegExp commits to the first place each `*`-separated segment fits (the same shortcut Redis
 * takes against CVE-2022-36021), so a hostile pattern cannot make it backtrack exponentially.
 */
export function globToRegExp(pattern: string): RegExp {
  const tokens = parseGlob(Buffer.from(pattern, 'utf8'));
  const segments: boolean[][][] = [[]];
  for (const token of tokens) {
    if (token === 'star') segments.push([]);
    else segments[segments.length - 1].push(token);
  }
  if (segments.length === 1) return new RegExp(`^${segmentSource(segments[0])}$`);

  const head = segments[0];
  const middles = segments.slice(1, -1);
  const tail = segments[segments.length - 1];
  const innerStarGroups = segments.length - (tail.length === 0 ? 2 : 1);
  if (innerStarGroups > MAX_INNER_STAR_GROUPS) return new RegExp(NEVER);

  // Segments between stars have a fixed length (one byte per token), so taking the earliest place
  // each one fits never loses a match. The lookahead + backreference pair is JS's atomic group.
  let source = `^${segmentSource(head)}`;
  middles.forEach((segment, index) => {
    source += `(?=(${ANY_BYTE}*?${segmentSource(segment)}))\\${index + 1}`;
  });
  source += tail.length === 0 ? '' : `${ANY_BYTE}*${segmentSource(tail)}$`;
  return new RegExp(source);
}

/** The string a {@link globToRegExp} RegExp is tested on: one char per UTF-8 byte of the key. */
export function toGlobSubject(key: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(key) ? key : Buffer.from(key, 'utf8').toString('latin1');
}

/** A predicate that answers, for any key, what SCAN MATCH `pattern` would. */
export function compileGlob(pattern: string): (key: string) => boolean {
  const regExp = globToRegExp(pattern);
  return (key) => regExp.test(toGlobSubject(key));
}

/** Escapes every glob metacharacter so that `literal` matches only itself inside a pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}

/** Mirrors the pattern walk of Redis `stringmatchlen`; `at()` past the end reads C's NUL terminator. */
function parseGlob(pattern: Buffer): GlobToken[] {
  const length = pattern.length;
  const at = (index: number): number => (index < length ? pattern[index] : 0);
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < length) {
    const byte = pattern[i];
    if (byte === STAR) {
      while (at(i + 1) === STAR) i++;
      tokens.push('star');
    } else if (byte === QUESTION) {
      tokens.push(new Array<boolean>(256).fill(true));
    } else if (byte === OPEN) {
      i++;
      const negated = at(i) === CARET;
      if (negated) i++;
      const set = new Array<boolean>(256).fill(false);
      for (;;) {
        if (at(i) === BACKSLASH && length - i >= 2) {
          i++;
          set[pattern[i]] = true;
        } else if (at(i) === CLOSE) {
          break;
        } else if (i >= length) {
          i--; // unterminated class: Redis steps back so the shared `pattern++` lands on the end
          break;
        } else if (length - i >= 3 && pattern[i + 1] === DASH) {
          addSignedCharRange(set, pattern[i], pattern[i + 2]);
          i += 2;
        } else {
          set[pattern[i]] = true;
        }
        i++;
      }
      tokens.push(negated ? set.map((member) => !member) : set);
    } else {
      if (byte === BACKSLASH && length - i >= 2) i++;
      const set = new Array<boolean>(256).fill(false);
      set[pattern[i]] = true;
      tokens.push(set);
    }
    i++;
  }
  return tokens;
}

function addSignedCharRange(set: boolean[], startByte: number, endByte: number): void {
  const signed = (byte: number): number => (byte > 127 ? byte - 256 : byte);
  const low = Math.min(signed(startByte), signed(endByte));
  const high = Math.max(signed(startByte), signed(endByte));
  for (let byte = 0; byte < 256; byte++) {
    if (signed(byte) >= low && signed(byte) <= high) set[byte] = true;
  }
}

function segmentSource(segment: boolean[][]): string {
  return segment.map(byteSetSource).join('');
}

function byteSetSource(set: boolean[]): string {
  const members: number[] = [];
  set.forEach((member, byte) => member && members.push(byte));
  if (members.length === 0) return NEVER;
  if (members.length === 256) return ANY_BYTE;
  if (members.length === 1) return byteSource(members[0]);
  let source = '';
  for (let k = 0; k < members.length; ) {
    let end = k;
    while (end + 1 < members.length && members[end + 1] === members[end] + 1) end++;
    source += end === k ? byteSource(members[k]) : `${byteSource(members[k])}-${byteSource(members[end])}`;
    k = end + 1;
  }
  return `[${source}]`;
}

function byteSource(byte: number): string {
  const char = String.fromCharCode(byte);
  return /[A-Za-z0-9_]/.test(char) ? char : `\\x${byte.toString(16).padStart(2, '0')}`;
}
