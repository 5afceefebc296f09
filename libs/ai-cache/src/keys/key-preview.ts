/** Preview length in characters (UTF-16 code units), when `readableKeys` is on. */
export const PREVIEW_LENGTH = 32;
/** Worst case per preview code unit: a 3-byte UTF-8 character written as `%XX%XX%XX`. */
export const MAX_ESCAPED_CHARS_PER_CODE_UNIT = 9;

/**
 * The first 32 characters of `text` (never splitting a surrogate pair), with everything outside
 * `[A-Za-z0-9_-]` written as `%XX` per UTF-8 byte and lone surrogates as `%uXXXX`: no `:`, `.` or
 * glob character ever appears raw, and distinct previews stay distinct.
 */
export function escapePreview(text: string): string {
  let end = Math.min(text.length, PREVIEW_LENGTH);
  if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
  let preview = '';
  for (let i = 0; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (isPreviewSafe(unit)) {
      preview += text[i];
    } else if (isHighSurrogate(unit) && i + 1 < end && isLowSurrogate(text.charCodeAt(i + 1))) {
      preview += percentEncode(text.slice(i, i + 2));
      i++;
    } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
      preview += `%u${unit.toString(16).toUpperCase()}`;
    } else {
      preview += percentEncode(text[i]);
    }
  }
  return preview;
}

function percentEncode(character: string): string {
  let escaped = '';
  for (const byte of Buffer.from(character, 'utf8')) escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return escaped;
}

function isPreviewSafe(unit: number): boolean {
  return (
    (unit >= 0x30 && unit <= 0x39) || // 0-9
    (unit >= 0x41 && unit <= 0x5a) || // A-Z
    (unit >= 0x61 && unit <= 0x7a) || // a-z
    unit === 0x5f || // _
    unit === 0x2d // -
  );
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;
