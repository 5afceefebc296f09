import { setTimeout as sleep } from 'node:timers/promises';
import type { OperationResults, SentimentResult, TextOperation } from '../../operations/text-operation';
import type { LlmClient, LlmCompletion, TextRequest } from '../llm-client.interface';
import { NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS } from './sentiment-lexicon';
import { estimateTokens } from '../token-estimate';
import { contentWords, rankKeywords, splitSentences, truncateAtWord, words } from './text-analysis';

export const FAKE_MODEL_NAME = 'fake-llm';
export const DEFAULT_SUMMARY_LENGTH = 200;
export const DEFAULT_KEY_POINTS = 3;
export const DEFAULT_QUESTIONS = 3;
export const NO_ANSWER = 'The text does not say.';

const QUESTION_TEMPLATES = [
  (keyword: string) => `What does the text say about ${keyword}?`,
  (keyword: string) => `Why does ${keyword} matter here?`,
  (keyword: string) => `How is ${keyword} described?`,
];

/**
 * A local stand-in for a model: deterministic (same request, same answer), so the demo and its tests
 * run without a network, and slow on purpose (`latencyMs`) so that a cache hit is visibly faster.
 */
export class FakeLlmClient implements LlmClient {
  constructor(private readonly latencyMs: number) {}

  async complete<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const result = this.answer(request) as OperationResults[O];
    return {
      result,
      usage: {
        promptTokens: estimateTokens(request.text + (request.question ?? '')),
        completionTokens: estimateTokens(typeof result === 'string' ? result : JSON.stringify(result)),
      },
      model: FAKE_MODEL_NAME,
    };
  }

  private answer(request: TextRequest): OperationResults[TextOperation] {
    const options = request.options ?? {};
    switch (request.operation) {
      case 'summarize':
        return summarize(request.text, positiveInteger(options.max_length) ?? DEFAULT_SUMMARY_LENGTH);
      case 'sentiment':
        return sentiment(request.text);
      case 'key_points':
        return keyPoints(request.text, positiveInteger(options.max_points) ?? DEFAULT_KEY_POINTS);
      case 'questions':
        return questions(request.text, positiveInteger(options.count) ?? DEFAULT_QUESTIONS);
      case 'qa':
        return answerQuestion(request.text, request.question ?? '');
    }
  }
}

/** The leading sentences that fit in `maxLength` characters; the first one cut to fit if it alone is too long. */
function summarize(text: string, maxLength: number): string {
  const sentences = splitSentences(text);
  let summary = '';
  for (const sentence of sentences) {
    const next = summary ? `${summary} ${sentence}` : sentence;
    if (next.length > maxLength) break;
    summary = next;
  }
  return summary || truncateAtWord(sentences[0] ?? '', maxLength);
}

function sentiment(text: string): SentimentResult {
  let positive = 0;
  let negative = 0;
  const tokens = words(text);
  tokens.forEach((word, i) => {
    const polarity = POSITIVE_WORDS.has(word) ? 1 : NEGATIVE_WORDS.has(word) ? -1 : 0;
    const negated = i > 0 && NEGATORS.has(tokens[i - 1]);
    const signed = negated ? -polarity : polarity;
    if (signed > 0) positive++;
    if (signed < 0) negative++;
  });
  const margin = positive - negative;
  if (margin === 0) return { sentiment: 'neutral', confidence: 0.5 };
  // Grows with the margin and with the evidence, but never reaches 1: a word count is no certainty.
  const confidence = 0.5 + (0.5 * Math.abs(margin)) / (positive + negative + 1);
  return { sentiment: margin > 0 ? 'positive' : 'negative', confidence: Math.round(confidence * 100) / 100 };
}

/** The sentences covering the most frequent content words, in text order. */
function keyPoints(text: string, maxPoints: number): string[] {
  const sentences = splitSentences(text);
  const frequency = new Map<string, number>();
  for (const word of contentWords(text)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const score = (sentence: string) =>
    [...new Set(contentWords(sentence))].reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0);
  return sentences
    .map((sentence, index) => ({ sentence, index, score: score(sentence) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxPoints)
    .sort((a, b) => a.index - b.index)
    .map(({ sentence }) => sentence);
}

function questions(text: string, count: number): string[] {
  const keywords = rankKeywords(text).slice(0, count);
  if (keywords.length === 0) return ['What is the main point of the text?'];
  return keywords.map((keyword, i) => QUESTION_TEMPLATES[i % QUESTION_TEMPLATES.length](keyword));
}

/** The sentence sharing the most content words with the question; the earliest one on a tie. */
function answerQuestion(text: string, question: string): string {
  const asked = new Set(contentWords(question));
  let best = { sentence: NO_ANSWER, overlap: 0 };
  for (const sentence of splitSentences(text)) {
    const overlap = new Set(contentWords(sentence).filter((word) => asked.has(word))).size;
    if (overlap > best.overlap) best = { sentence, overlap };
  }
  return best.sentence;
}

/** Options come from clients as JSON: only a positive integer counts, anything else means "use the default". */
function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
