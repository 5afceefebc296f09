import type { TokenUsage } from './monitor.types';

type Fields = readonly [prompt: string, completion: string, total: string];

/**
 * Where common SDKs put a response's token counts. The cache stores responses as the app returns
 * them, so a hit on one of these shapes is a model call whose tokens were saved.
 */
const CONTAINERS = ['usage', 'tokenUsage', 'usage_metadata', 'usageMetadata'] as const;
const FIELD_SETS: readonly Fields[] = [
  ['prompt_tokens', 'completion_tokens', 'total_tokens'], // OpenAI and OpenAI-compatible servers
  ['promptTokens', 'completionTokens', 'totalTokens'], // Vercel AI SDK (v4), LangChain llmOutput.tokenUsage
  ['input_tokens', 'output_tokens', 'total_tokens'], // Anthropic, LangChain usage_metadata
  ['inputTokens', 'outputTokens', 'totalTokens'], // Vercel AI SDK (v5)
  ['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount'], // Google Gemini
];

/**
 * The token usage a cached response carries, or undefined when it carries none we recognise:
 * `{ usage: { prompt_tokens, completion_tokens, total_tokens } }`, `{ usage: { promptTokens, completionTokens } }`,
 * `{ tokenUsage: … }`, `{ usage: { input_tokens, output_tokens } }`, `{ usageMetadata: { promptTokenCount, … } }`.
 * Only the top level is looked at: this runs on every hit and must stay cheap. Counts that are not
 * finite non-negative numbers are ignored (the data came from a model, or from Redis).
 */
export function extractTokenUsage(response: unknown): TokenUsage | undefined {
  if (!isRecord(response)) return undefined;
  for (const container of CONTAINERS) {
    const usage = response[container];
    if (!isRecord(usage)) continue;
    for (const [promptField, completionField, totalField] of FIELD_SETS) {
      const prompt = count(usage[promptField]);
      const completion = count(usage[completionField]);
      const total = count(usage[totalField]);
      if (prompt === undefined && completion === undefined && total === undefined) continue;
      return {
        promptTokens: prompt ?? 0,
        completionTokens: completion ?? 0,
        totalTokens: total ?? (prompt ?? 0) + (completion ?? 0),
      };
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
