/** Up to this many keys, {@link sortedKeys} sorts by insertion; beyond, with the native sort. */
const INSERTION_SORT_LIMIT = 16;

/**
 * `Object.keys(record).sort()`. Keys are distinct strings, and `<` compares strings by UTF-16 code
 * units exactly as the default sort does, so the order is the same; for the few keys of request
 * options an insertion sort is cheaper than the native sort, enough to show in the bench's
 * getCachedResponse row (bench/PERFORMANCE.md, "Micro-optimizations, measured").
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
