/**
 * A lower bound of the UTF-8 bytes `JSON.stringify(value)` would take, counted without serializing:
 * every string's length (a UTF-16 code unit is at least one UTF-8 byte) plus its quotes, one byte per
 * other value. The walk stops as soon as the bound passes `stopAbove`, so a 20 MB response is refused
 * after looking at its first large string, before any stringify or compression of it.
 *
 * Only for values that passed `assertJsonCompatible` (no cycles).
 */
export function jsonBytesAtLeast(value: unknown, stopAbove: number): number {
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && total <= stopAbove) {
    const item = pending.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (typeof item !== 'object' || item === null) total += 1;
    else if (Array.isArray(item)) {
      total += 2;
      for (let i = 0; i < item.length; i++) pending.push(item[i]);
    } else {
      total += 2;
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        total += key.length + 3;
        pending.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return total;
}
