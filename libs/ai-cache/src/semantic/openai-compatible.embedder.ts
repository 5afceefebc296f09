/**
 * `openAICompatibleEmbedder()`: an `embed` function for any OpenAI-compatible `POST /embeddings`
 * endpoint (OpenAI, Azure OpenAI's v1 API, vLLM, Ollama, LM Studio, LiteLLM, TEI…), with plain
 * `fetch`. Embeddings are paid calls too, so it caches them by text (bounded, keyed by a hash),
 * shares one request between concurrent calls for the same text, and batches concurrent calls
 * into one request.
 */
import { EmbeddingBatcher } from './embedding.batcher';
import { EmbeddingCache } from './embedding.cache';
import { EmbeddingError } from './embedding.types';
import { parseEmbeddingsResponse } from './embeddings-response.parser';
import { AsyncCoalescer } from '../utils/coalesce-async';
import { MAX_VECTOR_DIMENSIONS } from './vector';

export interface OpenAICompatibleEmbedderOptions {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; requests go to `<baseURL>/embeddings`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>`; leave out for servers without authentication. */
  apiKey?: string;
  /** The embedding model, e.g. `text-embedding-3-small`. */
  model: string;
  /** Sent as `dimensions` (for models that can shorten their embeddings) and required of every answer. Default: the model's own, fixed by the first answer. */
  dimensions?: number;
  /** Milliseconds one request may take before it fails. Default 10 000. */
  timeoutMs?: number;
  /** Texts per request. Default 64 (at most 2048, OpenAI's limit). */
  maxBatchSize?: number;
  /** Milliseconds a batch waits for more texts. Default 0: the texts asked for in the same event-loop turn. */
  batchDelayMs?: number;
  /** Bytes of embeddings kept by text (4 per dimension, plus ~128 per entry). Default 16 MiB; 0 = no cache. */
  cacheMaxBytes?: number;
  /** Largest response body read, in bytes. Default 64 MiB. */
  maxResponseBytes?: number;
  /** More request headers (e.g. `api-key` for Azure, an organisation header). */
  headers?: Record<string, string>;
}

export const DEFAULT_EMBEDDER_TIMEOUT_MS = 10_000;
export const DEFAULT_EMBEDDER_BATCH_SIZE = 64;
export const DEFAULT_EMBEDDER_CACHE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_EMBEDDER_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Returns `(text) => Promise<Float32Array>`; failures reject with an `EmbeddingError` (a miss for the cache). */
export function openAICompatibleEmbedder(options: OpenAICompatibleEmbedderOptions): (text: string) => Promise<Float32Array> {
  const config = resolve(options);
  const cache = new EmbeddingCache(config.model, config.cacheMaxBytes);
  const flights = new AsyncCoalescer();
  let dimensions = config.dimensions;

  const request = async (texts: string[]): Promise<Float32Array[]> => {
    const body = await postJson(config, { model: config.model, input: texts, encoding_format: 'float', ...(config.dimensions ? { dimensions: config.dimensions } : {}) });
    const vectors = parseEmbeddingsResponse(body, texts.length, dimensions, config.where);
    dimensions ??= vectors[0].length; // a model's dimension never changes: later answers must match
    return vectors;
  };
  const batcher = new EmbeddingBatcher(request, config.maxBatchSize, config.batchDelayMs);

  return async (text: string): Promise<Float32Array> => {
    if (typeof text !== 'string' || text.length === 0) throw new TypeError(`text must be a non-empty string (received ${typeof text === 'string' ? 'an empty string' : typeof text})`);
    const key = cache.keyOf(text);
    const cached = cache.get(key);
    if (cached) return cached;
    const vector = await flights.run(key, async () => {
      const fresh = await batcher.embed(text);
      cache.set(key, fresh);
      return fresh;
    });
    return vector.slice(); // every caller gets its own copy
  };
}

interface ResolvedEmbedderConfig {
  url: string;
  where: string;
  model: string;
  headers: Record<string, string>;
  dimensions: number | undefined;
  timeoutMs: number;
  maxBatchSize: number;
  batchDelayMs: number;
  cacheMaxBytes: number;
  maxResponseBytes: number;
}

function resolve(options: OpenAICompatibleEmbedderOptions): ResolvedEmbedderConfig {
  let base: URL;
  try {
    base = new URL(options.baseURL);
  } catch {
    throw new TypeError(`openAICompatibleEmbedder: baseURL must be an http(s) URL (received ${JSON.stringify(String(options.baseURL))})`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`openAICompatibleEmbedder: baseURL must be an http(s) URL (received ${base.protocol} URL)`);
  if (typeof options.model !== 'string' || options.model.length === 0) throw new TypeError('openAICompatibleEmbedder: model must be a non-empty string');
  const url = `${base.origin}${base.pathname.replace(/\/+$/, '')}/embeddings${base.search}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    url,
    // Error messages name the endpoint, never the credentials or query string it may carry.
    where: `embedding request to ${base.origin}${base.pathname.replace(/\/+$/, '')}/embeddings`,
    model: options.model,
    headers,
    dimensions: integerOption(options.dimensions, undefined, 'dimensions', 1, MAX_VECTOR_DIMENSIONS),
    timeoutMs: integerOption(options.timeoutMs, DEFAULT_EMBEDDER_TIMEOUT_MS, 'timeoutMs', 1, 600_000) as number,
    maxBatchSize: integerOption(options.maxBatchSize, DEFAULT_EMBEDDER_BATCH_SIZE, 'maxBatchSize', 1, 2048) as number,
    batchDelayMs: integerOption(options.batchDelayMs, 0, 'batchDelayMs', 0, 10_000) as number,
    cacheMaxBytes: integerOption(options.cacheMaxBytes, DEFAULT_EMBEDDER_CACHE_BYTES, 'cacheMaxBytes', 0, 2 ** 40) as number,
    maxResponseBytes: integerOption(options.maxResponseBytes, DEFAULT_EMBEDDER_MAX_RESPONSE_BYTES, 'maxResponseBytes', 1024, 2 ** 31) as number,
  };
}

function integerOption(value: number | undefined, fallback: number | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`openAICompatibleEmbedder: ${name} must be an integer from ${min} to ${max} (received ${String(value)})`);
  return value;
}

async function postJson(config: ResolvedEmbedderConfig, payload: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(config.url, { method: 'POST', headers: config.headers, body: JSON.stringify(payload), signal: AbortSignal.timeout(config.timeoutMs) });
  } catch (error) {
    throw requestFailure(config, error);
  }
  let text: string;
  try {
    text = await readBounded(response, config.maxResponseBytes, config.where);
  } catch (error) {
    throw error instanceof EmbeddingError ? error : requestFailure(config, error);
  }
  if (!response.ok) {
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new EmbeddingError(`${config.where} failed: HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EmbeddingError(`${config.where} returned malformed JSON`, response.status);
  }
}

function requestFailure(config: ResolvedEmbedderConfig, error: unknown): EmbeddingError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new EmbeddingError(`${config.where} timed out after ${config.timeoutMs} ms`);
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new EmbeddingError(`${config.where} failed: ${reason}`);
}

/** The body as text, refusing to read more than `maxBytes` (a runaway server must not fill memory). */
async function readBounded(response: Response, maxBytes: number, where: string): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new EmbeddingError(`${where} returned more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
