/** Injection token of the chosen CacheStore (memory or tiered Redis). */
export const CACHE_STORE = Symbol('AI_CACHE_STORE');
/** Injection token of the validated options, defaults applied (ResolvedCacheOptions). */
export const RESOLVED_CACHE_OPTIONS = Symbol('AI_CACHE_RESOLVED_OPTIONS');

export const DEFAULT_NAMESPACE = 'ai_cache';
export const DEFAULT_TTL_SECONDS = 3600;
export const DEFAULT_OPERATION_TTLS: Readonly<Record<string, number>> = Object.freeze({
  summarize: 7200,
  sentiment: 86400,
  key_points: 7200,
  questions: 3600,
  qa: 1800,
});
export const DEFAULT_MAX_SIZE = 1000;
export const DEFAULT_MEMORY_CACHE_SIZE = 100;
export const DEFAULT_MEMORY_CACHE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MEMORY_CACHE_MAX_AGE_SECONDS = 60;
export const DEFAULT_COMPRESSION_ALGORITHM = 'deflate';
export const DEFAULT_TEXT_HASH_THRESHOLD = 1000;
export const DEFAULT_COMPRESSION_THRESHOLD = 1000;
export const DEFAULT_COMPRESSION_LEVEL = 6;
export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
export const DEFAULT_TEXT_SIZE_TIERS = Object.freeze({ small: 500, medium: 5000, large: 50000 });
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 250;
