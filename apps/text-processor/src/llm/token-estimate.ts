/**
 * Token count when the model does not report one: the usual rule of thumb of about four characters
 * per token for English. Good enough to count tokens a cache hit saved; not a tokenizer.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
