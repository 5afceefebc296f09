/**
 * The operations the demo offers. The names are exactly the library's per-operation TTL keys
 * (summarize 2h, sentiment 24h, key_points 2h, questions 1h, qa 30m), so each gets its TTL for free.
 */
export const TEXT_OPERATIONS = ['summarize', 'sentiment', 'key_points', 'questions', 'qa'] as const;

export type TextOperation = (typeof TEXT_OPERATIONS)[number];

export function isTextOperation(value: unknown): value is TextOperation {
  return typeof value === 'string' && (TEXT_OPERATIONS as readonly string[]).includes(value);
}

export type Sentiment = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  sentiment: Sentiment;
  /** 0 to 1. */
  confidence: number;
}

/** What each operation produces: the same shapes from the fake and from a real model. */
export interface OperationResults {
  summarize: string;
  sentiment: SentimentResult;
  key_points: string[];
  questions: string[];
  qa: string;
}

export interface OperationDescription {
  name: TextOperation;
  description: string;
  /** Whether the request must carry a `question`. */
  requiresQuestion: boolean;
  /** Options the operation understands (any other option still takes part in the cache key). */
  options: Record<string, string>;
}

export const OPERATION_DESCRIPTIONS: readonly OperationDescription[] = [
  {
    name: 'summarize',
    description: 'A short summary of the text.',
    requiresQuestion: false,
    options: { max_length: 'most characters in the summary' },
  },
  {
    name: 'sentiment',
    description: "The text's overall sentiment: positive, negative or neutral, with a confidence.",
    requiresQuestion: false,
    options: {},
  },
  {
    name: 'key_points',
    description: 'The most informative sentences of the text.',
    requiresQuestion: false,
    options: { max_points: 'most points returned (default 3)' },
  },
  {
    name: 'questions',
    description: 'Questions a reader could ask about the text.',
    requiresQuestion: false,
    options: { count: 'most questions returned (default 3)' },
  },
  {
    name: 'qa',
    description: 'The answer to `question`, taken from the text.',
    requiresQuestion: true,
    options: {},
  },
];
