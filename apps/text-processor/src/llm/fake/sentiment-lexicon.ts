/** A deliberately small lexicon: enough for the demo to give sensible, reproducible answers. */
export const POSITIVE_WORDS: ReadonlySet<string> = new Set([
  'good', 'great', 'excellent', 'amazing', 'awesome', 'love', 'loved', 'like', 'liked', 'happy', 'wonderful',
  'fantastic', 'best', 'better', 'fast', 'easy', 'helpful', 'reliable', 'enjoy', 'enjoyed', 'pleased', 'nice',
  'perfect', 'impressive', 'recommend', 'success', 'successful', 'benefit', 'improved', 'delighted',
]);

export const NEGATIVE_WORDS: ReadonlySet<string> = new Set([
  'bad', 'terrible', 'awful', 'horrible', 'hate', 'hated', 'poor', 'worst', 'worse', 'slow', 'broken', 'bug',
  'bugs', 'crash', 'crashes', 'fail', 'failed', 'failure', 'difficult', 'hard', 'sad', 'angry', 'disappointed',
  'disappointing', 'useless', 'problem', 'problems', 'error', 'errors', 'unreliable', 'annoying',
]);

/** A negator flips the sentiment of the word right after it ("not good" counts as negative). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'hardly', "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't",
  "can't", 'cannot', "won't", "wouldn't", "shouldn't",
]);
