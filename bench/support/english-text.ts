/**
 * Repeatable English-like text: sentences of common English words (plus a few AI-response words)
 * picked by a fixed-seed generator, so that compression ratios and hashing speeds are comparable
 * across machines and runs. Real prose compresses about as well; random bytes would not compress
 * at all and would say nothing about AI responses.
 */
const WORDS = (
  'the of and to in is that it was for on are as with his they at be this from have or by one had not but what all ' +
  'were when we there can an your which their said if do will each about how up out them then she many some so these ' +
  'would other into has more her two like him see time could no make than first been its who now people my made over ' +
  'did down only way find use may water long little very after words called just where most know get through back ' +
  'much before go good new write our used me man too any day same right look think also around another came come work ' +
  'three word must because does part even place well such here take why things help put years different away again ' +
  'off went old number great tell men say small every found still between name should home big give air line set own ' +
  'under read last never us left end along while might next sound below saw something thought both few those always ' +
  'looked show large often together asked house world going want school important until form food keep children ' +
  'feet land side without boy once animals life enough took sometimes four head above kind began almost live page ' +
  'model response summary analysis customer service quality product delivery market report results data system'
).split(' ');

/** Park-Miller LCG: deterministic and good enough to pick words. */
export function seededRandom(seed: number): (below: number) => number {
  let state = seed % 2147483647 || 1;
  return (below) => {
    state = (state * 16807) % 2147483647;
    return state % below;
  };
}

/** `length` characters (ASCII, so also bytes) of English-like sentences and paragraphs. */
export function englishLikeText(length: number, seed: number): string {
  const random = seededRandom(seed);
  const parts: string[] = [];
  let total = 0;
  while (total < length) {
    const count = 6 + random(15);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(WORDS[random(WORDS.length)]);
    if (random(4) === 0) words.splice(1 + random(count - 1), 0, `${words.pop()},`);
    const sentence = words.join(' ');
    const text = sentence[0].toUpperCase() + sentence.slice(1) + (random(10) === 0 ? '?' : '.');
    parts.push(text);
    total += text.length + 1;
    if (random(6) === 0) parts.push('\n\n');
  }
  return parts.join(' ').slice(0, length);
}
