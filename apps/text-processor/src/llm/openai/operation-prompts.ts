import type { OperationResults, Sentiment, SentimentResult, TextOperation } from '../../operations/text-operation';
import type { TextRequest } from '../llm-client.interface';
import { LlmUpstreamError } from '../llm-upstream.error';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** The system prompt of each operation. List-shaped results are asked for as JSON so they parse reliably. */
function systemPrompt(request: TextRequest): string {
  const options = request.options ?? {};
  switch (request.operation) {
    case 'summarize': {
      const maxLength = positiveInteger(options.max_length);
      return (
        'You summarize texts. Reply with the summary only, as plain text' +
        (maxLength ? `, at most ${maxLength} characters.` : ', in a few sentences.')
      );
    }
    case 'sentiment':
      return (
        'You classify the overall sentiment of texts. Reply with JSON only, no prose: ' +
        '{"sentiment": "positive" | "negative" | "neutral", "confidence": a number from 0 to 1}.'
      );
    case 'key_points':
      return (
        `You extract the ${positiveInteger(options.max_points) ?? 3} most important points of texts. ` +
        'Reply with JSON only, no prose: an array of short strings.'
      );
    case 'questions':
      return (
        `You write ${positiveInteger(options.count) ?? 3} questions a reader could ask about a text. ` +
        'Reply with JSON only, no prose: an array of strings.'
      );
    case 'qa':
      return (
        'You answer questions using only the given text. If the text does not contain the answer, ' +
        'say that it does not. Reply with the answer only.'
      );
  }
}

export function buildMessages(request: TextRequest): ChatMessage[] {
  const user =
    request.operation === 'qa' ? `Text:\n${request.text}\n\nQuestion: ${request.question ?? ''}` : request.text;
  return [
    { role: 'system', content: systemPrompt(request) },
    { role: 'user', content: user },
  ];
}

/** Turns the model's reply into the operation's result shape, or says clearly why it cannot. */
export function parseReply<O extends TextOperation>(operation: O, content: string): OperationResults[O] {
  const reply = content.trim();
  if (!reply) throw new LlmUpstreamError('LLM returned an empty reply');
  switch (operation) {
    case 'summarize':
    case 'qa':
      return reply as OperationResults[O];
    case 'sentiment':
      return parseSentiment(reply) as OperationResults[O];
    case 'key_points':
    case 'questions':
      return parseStringList(reply) as OperationResults[O];
    default:
      throw new LlmUpstreamError(`unknown operation "${operation}"`);
  }
}

const SENTIMENTS: readonly Sentiment[] = ['positive', 'negative', 'neutral'];

function parseSentiment(reply: string): SentimentResult {
  const parsed = parseJson(reply) as { sentiment?: unknown; confidence?: unknown } | undefined;
  const label = typeof parsed?.sentiment === 'string' ? parsed.sentiment.toLowerCase() : undefined;
  if (!label || !SENTIMENTS.includes(label as Sentiment)) {
    throw new LlmUpstreamError(`LLM returned an unusable sentiment: ${preview(reply)}`);
  }
  const confidence = typeof parsed?.confidence === 'number' && Number.isFinite(parsed.confidence) ? parsed.confidence : 0.5;
  return { sentiment: label as Sentiment, confidence: Math.min(1, Math.max(0, confidence)) };
}

/**
 * A JSON array of strings, or an object holding one (JSON modes often wrap arrays), or, failing
 * JSON, one item per line with bullets and numbering removed.
 */
function parseStringList(reply: string): string[] {
  const parsed = parseJson(reply);
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object'
      ? Object.values(parsed).find(Array.isArray)
      : undefined;
  const items = list
    ? list.filter((item): item is string => typeof item === 'string')
    : reply.split('\n').map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, ''));
  const cleaned = items.map((item) => item.trim()).filter((item) => item.length > 0);
  if (cleaned.length === 0) throw new LlmUpstreamError(`LLM returned an unusable list: ${preview(reply)}`);
  return cleaned;
}

/** JSON.parse only (never eval), tolerant of the ``` fences models like to add. */
function parseJson(reply: string): unknown {
  const unfenced = reply.replace(/^```[a-z]*\s*/i, '').replace(/\s*```$/, '');
  try {
    return JSON.parse(unfenced);
  } catch {
    return undefined;
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
