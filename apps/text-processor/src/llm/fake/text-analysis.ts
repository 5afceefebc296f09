/** Small, deterministic text helpers the fake model is built from. No randomness, no locale. */

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is ' +
    'it its just may me more most my no nor not of on or our out over she so some such than that the their them ' +
    'then there these they this those through to too under up very was we were what when where which while who ' +
    'whom why will with would you your also about after again all any because before being both each few further ' +
    'here him himself itself only other own same should until'
  ).split(' '),
);

/** Sentences, in order: split after . ! ? and at line breaks (so bullet lists count too). */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter((sentence) => sentence.length > 0);
}

/** Lower-case words, any script; inner apostrophes kept so that "isn't" stays one word. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** Words that carry meaning: no stopwords, nothing shorter than three characters. */
export function contentWords(text: string): string[] {
  return words(text).filter((word) => word.length > 2 && !STOPWORDS.has(word));
}

/** Content words by frequency, most frequent first; ties keep first-occurrence order. */
export function rankKeywords(text: string): string[] {
  const counts = new Map<string, number>();
  for (const word of contentWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  // Map iteration order is insertion order and Array.prototype.sort is stable: ties stay in text order.
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
}

/** At most `maxLength` characters, cut at a word boundary when there is one, with an ellipsis. */
export function truncateAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 1) return '…'.slice(0, maxLength);
  const cut = text.slice(0, maxLength - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > 0 ? cut.slice(0, lastSpace) : cut).trimEnd() + '…';
}
