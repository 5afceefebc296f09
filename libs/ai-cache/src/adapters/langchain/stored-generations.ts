import type { StoredGeneration } from '@langchain/core/messages';
import type { Generation } from '@langchain/core/outputs';
import { langchainCaches } from './langchain-core.peer';

/** One generation as it is cached: LangChain's own StoredGeneration (text, message as a dict) and its generationInfo. */
export interface CachedGeneration extends StoredGeneration {
  generationInfo?: Record<string, unknown>;
}

/**
 * LangChain's `serializeGeneration` keeps the text and the message (content, tool calls,
 * additional_kwargs, response_metadata, usage_metadata, id) but drops `generationInfo`
 * (finish_reason, logprobs…): it is kept beside them here.
 */
export function toCachedGenerations(generations: Generation[]): CachedGeneration[] {
  return generations.map((generation) => {
    const stored: CachedGeneration = langchainCaches.serializeGeneration(generation);
    if (generation.generationInfo !== undefined) stored.generationInfo = generation.generationInfo;
    return stored;
  });
}

/**
 * The generations back, messages rebuilt as LangChain message classes (AIMessage with its
 * tool_calls). Undefined for anything that is not what {@link toCachedGenerations} wrote (bytes
 * from Redis are never trusted): a miss, never a crash inside the model call.
 */
export function fromCachedGenerations(value: unknown): Generation[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const generations: Generation[] = [];
  for (const item of value) {
    if (!isCachedGeneration(item)) return undefined;
    try {
      const generation: Generation = langchainCaches.deserializeStoredGeneration(item);
      if (item.generationInfo !== undefined) generation.generationInfo = item.generationInfo;
      generations.push(generation);
    } catch {
      return undefined; // a message type this LangChain version does not know
    }
  }
  return generations;
}

function isCachedGeneration(item: unknown): item is CachedGeneration {
  if (typeof item !== 'object' || item === null) return false;
  const { text, message, generationInfo } = item as Record<string, unknown>;
  if (typeof text !== 'string') return false;
  if (generationInfo !== undefined && (typeof generationInfo !== 'object' || generationInfo === null)) return false;
  if (message === undefined) return true;
  const { type, data } = (message ?? {}) as Record<string, unknown>;
  return typeof type === 'string' && typeof data === 'object' && data !== null;
}
