import type { CacheCallOptions } from '../calls/cache-call.types';
import { resolveTtl } from '../cache-options.resolver';
import { type AICacheCallStatus, type AICacheContextFrame, currentContextFrame, recordCallOutcome } from '../context/ai-cache.context';
import type { TtlInput } from '../interfaces/cache-module-options.interface';
import { assertValidOperation } from '../keys/request-validation';
import { isPlainObject } from '../utils/type-guards';

/** What every framework adapter takes: the operation its entries are filed under, and their TTL. */
export interface AICacheAdapterOptions {
  /** Picks the TTL (`operationTtls`) and what `invalidateByOperation` removes. */
  operation?: string;
  /** Seconds or a duration (`'90s'`, `'2h'`); default: the operation's TTL, else `defaultTtl`. */
  ttl?: TtlInput;
}

export interface ResolvedAdapterOptions {
  readonly operation: string;
  /** Seconds. */
  readonly ttl?: number;
}

/** Validates an adapter's options once, when it is built: a bad one throws naming `where` and the option. */
export function resolveAdapterOptions(options: unknown, defaultOperation: string, where: string): ResolvedAdapterOptions {
  if (options === undefined) return { operation: defaultOperation };
  if (!isPlainObject(options)) throw new TypeError(`${where}: options must be an object such as { operation: '${defaultOperation}' }`);
  const { operation = defaultOperation, ttl, ...unknown } = options as AICacheAdapterOptions;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new TypeError(`${where}: unknown option '${extra[0]}' (known: operation, ttl)`);
  try {
    assertValidOperation(operation);
  } catch (error) {
    throw new TypeError(`${where}: options.operation: ${(error as Error).message}`);
  }
  return { operation, ttl: ttl === undefined ? undefined : resolveTtl(ttl, `${where} options.ttl`) };
}

/** One adapter call: the options to hand the service, and the caller's context to count its outcome in. */
export interface AdapterCall<T> {
  readonly options: CacheCallOptions<T>;
  readonly frame: AICacheContextFrame | undefined;
}

/**
 * Reads the caller's AICacheContext (tenant, noCache, noStore, forceRefresh, and a TTL that wins over
 * the adapter's), so that adapters honour `AICacheContext.run()` and `AICacheContextInterceptor`
 * exactly as decorated methods do. Call it when the adapter is called, not later: the context is the caller's.
 */
export function adapterCall<T>(adapter: ResolvedAdapterOptions): AdapterCall<T> {
  const frame = currentContextFrame();
  const controls = frame?.controls;
  if (!controls) return { options: { ttl: adapter.ttl }, frame };
  return {
    options: {
      ttl: controls.ttl ?? adapter.ttl,
      scope: controls.tenant,
      noCache: controls.noCache,
      noStore: controls.noStore,
      forceRefresh: controls.forceRefresh,
    },
    frame,
  };
}

/** Counts the call in the caller's AICacheContext, so that `X-Cache` and `AICacheContext.outcome()` see adapter calls too. */
export function recordAdapterOutcome(call: Pick<AdapterCall<unknown>, 'frame'>, status: AICacheCallStatus): void {
  recordCallOutcome(call.frame, status);
}
