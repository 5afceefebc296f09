import { registerAs } from '@nestjs/config';

export interface LlmConfig {
  /** OpenAI-compatible server root (e.g. `https://api.openai.com/v1`); unset → the local fake model. */
  baseUrl?: string;
  apiKey?: string;
  model: string;
  /** Milliseconds before a model call is abandoned. */
  timeoutMs: number;
  /** Milliseconds the fake model waits before answering, so a cache hit is visibly faster. */
  fakeLatencyMs: number;
}

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';
export const DEFAULT_LLM_TIMEOUT_MS = 30_000;
export const DEFAULT_FAKE_LATENCY_MS = 300;

/** Reads the LLM_* variables; a malformed value fails bootstrap with the variable's name. */
export function parseLlmConfig(env: NodeJS.ProcessEnv): LlmConfig {
  const baseUrl = nonEmpty(env.LLM_BASE_URL);
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new Error(`LLM_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  }
  return {
    baseUrl: baseUrl?.replace(/\/+$/, ''),
    apiKey: nonEmpty(env.LLM_API_KEY),
    model: nonEmpty(env.LLM_MODEL) ?? DEFAULT_LLM_MODEL,
    timeoutMs: milliseconds(env, 'LLM_TIMEOUT_MS', DEFAULT_LLM_TIMEOUT_MS, 1),
    fakeLatencyMs: milliseconds(env, 'LLM_FAKE_LATENCY_MS', DEFAULT_FAKE_LATENCY_MS, 0),
  };
}

export const llmConfig = registerAs('llm', () => parseLlmConfig(process.env));

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer number of milliseconds >= ${min}, got "${raw}"`);
  }
  return value;
}
