/** One model call, as the cache sees it: what was asked, of which operation, with which options. */
export interface AIRequest {
  /** The input text sent to the model. Never stored in keys unless `readableKeys` is on. */
  text: string;
  /** The operation name (`summarize`, `qa`, …): picks the TTL and scopes invalidation. */
  operation: string;
  /** Model options (model name, temperature, max length…). Key order does not matter at any depth. */
  options?: Record<string, unknown>;
  /** The question, for question-answering operations. */
  question?: string;
}

/** What `getCachedResponse` returns on a hit. */
export interface CachedResponse<T = unknown> {
  /** A fresh copy of what was cached: mutating it never changes the cache. */
  response: T;
  /** When the entry was written, ISO-8601 UTC. */
  cachedAt: string;
  /** The tier that answered. */
  tier: 'memory' | 'redis';
  /** Whether the stored bytes were compressed. */
  compressed: boolean;
  /** Length of the request text, in characters. */
  textLength: number;
  /** True when the entry is past its TTL, inside its stale-while-revalidate window (absent otherwise). */
  stale?: true;
}

export interface CacheResponseOptions {
  /** Seconds, or a duration string (`'90s'`, `'30m'`, `'2h'`, `'1d'`). Overrides the operation's TTL. */
  ttl?: number | string;
}

export interface GetOrComputeOptions<T> extends CacheResponseOptions {
  /** When it returns true for a computed result, that result is returned but not cached. */
  unless?: (result: T) => boolean;
  /** Seconds (or a duration) the entry this call writes is answered stale past its TTL, while one background refresh replaces it. Default: the module's `staleWhileRevalidate`. */
  staleWhileRevalidate?: number | string;
  /** Refresh this call's entry early, in the background, before it expires (XFetch). Default: the module's `refreshAhead`. */
  refreshAhead?: boolean | { beta?: number };
}
