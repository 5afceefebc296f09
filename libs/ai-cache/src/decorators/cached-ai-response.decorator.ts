import { SetMetadata } from '@nestjs/common';
import type { AIRequest } from '../interfaces/ai-request.interface';
import type { TtlInput } from '../interfaces/cache-module-options.interface';

export const CACHED_AI_RESPONSE_METADATA = 'nestjs-ai-cache:cached-ai-response';

/**
 * What a decorated method returns once wrapped. A hit is answered in the same shape:
 * - `promise`: a Promise of the value (a synchronous method becomes asynchronous: a hit may come from Redis);
 * - `observable`: an Observable replaying the whole emitted sequence;
 * - `async-iterable`: an AsyncIterable (e.g. LLM tokens) replaying every chunk.
 */
export type CachedReturnKind = 'promise' | 'observable' | 'async-iterable';

/** What a `request` mapper returns: an AIRequest whose `operation` may be left to the decorator. */
export type AIRequestInput = Omit<AIRequest, 'operation'> & { operation?: string };

// `any[]` by default so that an unannotated mapper's parameters are untyped rather than `unknown`.
export interface CachedAIResponseOptions<Args extends unknown[] = any[]> {
  /** Operation name (1-64 characters of `[A-Za-z0-9_.-]`): picks the TTL, scopes invalidation. Default: the method name. */
  operation?: string;
  /** Seconds or a duration string (`'90s'`, `'2h'`). Default: the operation's TTL, else `defaultTtl`. */
  ttl?: TtlInput;
  /** Seconds (or a duration) an entry is answered stale past its TTL while one background refresh replaces it. Default: the module's. */
  staleWhileRevalidate?: TtlInput;
  /** Refresh the entry early, in the background, before it expires (XFetch; `{ beta }`). Default: the module's. */
  refreshAhead?: boolean | { beta?: number };
  /**
   * Maps the method's arguments to the request that is keyed. Default: `(text, options?, question?)`.
   * Only what this returns enters the key: arguments that change the answer must be in it.
   */
  request?: (...args: Args) => AIRequestInput;
  /**
   * A result for which this returns true is returned but not cached (e.g. a refusal). For streams
   * it receives the array of everything emitted.
   */
  unless?: (result: any) => boolean;
  /**
   * Only needed when it cannot be detected: `async *` methods are `async-iterable`, methods declared
   * `: Observable<T>` are `observable`, everything else is `promise`. A plain method declared
   * `: AsyncIterable<T>` needs `returns: 'async-iterable'` (TypeScript erases interfaces).
   */
  returns?: CachedReturnKind;
}

/** What the decorator stores on the method: its options and the name it was declared with. */
export interface CachedAIResponseMetadata extends CachedAIResponseOptions {
  readonly methodName: string | symbol;
}

/**
 * Caches a provider method's result through `AIResponseCacheService.getOrCompute`: the key comes
 * from the arguments (`(text, options?, question?)` unless `request` maps them), the TTL from the
 * operation (the method name unless `operation` is given), and concurrent identical calls run the
 * body once.
 *
 * Metadata only: the method is left untouched here and wrapped on each provider instance by the
 * explorer when the CacheModule initialises (so the class keeps working, uncached, outside Nest).
 */
export function CachedAIResponse<Args extends unknown[] = any[]>(options: CachedAIResponseOptions<Args> = {}) {
  return <F extends (...args: Args) => unknown>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): void => {
    const where = `${describeTarget(target)}.${String(propertyKey)}`;
    if (typeof target === 'function') {
      throw new TypeError(`@CachedAIResponse() on static method ${where}: only instance methods of providers can be cached`);
    }
    if (typeof descriptor?.value !== 'function') {
      throw new TypeError(`@CachedAIResponse() on ${where}: it decorates methods, not accessors or properties`);
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`@CachedAIResponse() on ${where}: options must be an object`);
    }
    const metadata: CachedAIResponseMetadata = { ...(options as CachedAIResponseOptions), methodName: propertyKey };
    SetMetadata(CACHED_AI_RESPONSE_METADATA, metadata)(target, propertyKey, descriptor);
  };
}

function describeTarget(target: object): string {
  const owner = typeof target === 'function' ? target : target.constructor;
  return (owner as { name?: string } | undefined)?.name || 'anonymous class';
}
