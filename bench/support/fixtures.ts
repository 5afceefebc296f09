/**
 * The work every contender does: ~2 KB AI responses, 300-character request texts with options, and
 * large texts for hashing and compression. All deterministic, all distinct per index (no two cache
 * entries share strings, as no two real responses would).
 */
import type { AIRequest } from '../../libs/ai-cache/src';
import { englishLikeText } from './english-text';

const POOL = englishLikeText(512 * 1024, 20240601);
const SUMMARY_LENGTH = 1130;
const POINT_LENGTH = 120;

/** A slice of the pool that differs for every `i` (the stride is not a divisor of the pool length). */
function excerpt(i: number, length: number, salt: number): string {
  const start = ((i + 1) * 7919 + salt * 104729) % (POOL.length - length);
  return POOL.slice(start, start + length);
}

/** A chat-completion-shaped response of about 2 KB of JSON. */
export function aiResponse(i: number): Record<string, unknown> {
  return {
    id: `chatcmpl-${(1_000_000 + i).toString(36)}`,
    model: 'gpt-4o-mini-2024-07-18',
    created: 1_717_171_717 + i,
    operation: 'summarize',
    summary: excerpt(i, SUMMARY_LENGTH, 1),
    key_points: [2, 3, 4, 5, 6].map((salt) => excerpt(i, POINT_LENGTH, salt)),
    sentiment: { label: i % 3 === 0 ? 'negative' : 'positive', score: 0.5 + ((i * 37) % 50) / 100 },
    usage: { prompt_tokens: 412 + (i % 97), completion_tokens: 268 + (i % 53), total_tokens: 680 + (i % 150) },
    finish_reason: 'stop',
  };
}

export const REQUEST_OPTIONS = Object.freeze({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 512, language: 'en' });

/** Chat-completion-shaped options (messages and a tool schema): nested, so keys take the canonical walk. */
export const CHAT_REQUEST_OPTIONS = Object.freeze({
  model: 'gpt-4o-mini',
  temperature: 0.2,
  messages: [
    { role: 'system', content: excerpt(1, 200, 30) },
    { role: 'user', content: excerpt(2, 160, 31) },
    { role: 'assistant', content: excerpt(3, 240, 32) },
    { role: 'user', content: excerpt(4, 120, 33) },
    { role: 'assistant', content: excerpt(5, 200, 34) },
    { role: 'user', content: excerpt(6, 80, 35) },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'lookup_order',
        description: excerpt(7, 60, 36),
        parameters: { type: 'object', properties: { orderId: { type: 'string' }, verbose: { type: 'boolean' } }, required: ['orderId'] },
      },
    },
  ],
});

/** A summarize request with a 300-character text and options (`salt` separates request families). */
export function aiRequest(i: number, salt = 0): AIRequest {
  return { text: excerpt(i, 300, 10 + salt), operation: 'summarize', options: { ...REQUEST_OPTIONS } };
}

/** What a user of a key/value cache would write to key a request: a hash of its JSON. */
export function naiveRequestKey(request: AIRequest, hash: (input: string) => string): string {
  return `ai:${request.operation}:${hash(JSON.stringify(request))}`;
}

/** `bytes` characters of English-like text (ASCII: characters are bytes). */
export function textOfSize(bytes: number, seed = 7): string {
  return englishLikeText(bytes, seed);
}

/**
 * Our cache with compression out of reach (a documented option, not the default): the rows using it
 * show what inflating a ~1 KB deflated entry costs each hit (zlib's fixed per-call cost in Node).
 */
export const NO_COMPRESSION = Object.freeze({ compressionThreshold: 2 ** 30 });
