/**
 * The semantic indexes of one process, one per hard scope. A scope id is an opaque string (a hash of
 * everything two requests must share to answer each other: namespace, tenant, operation, canonical
 * options, embedding model, and for questions the exact text); a lookup only ever searches its own
 * scope, so nothing outside it can match, whatever the similarity.
 *
 * Every buffer is bounded: vectors per scope (LRU), scopes (LRU), vectors and vector bytes in total
 * (the oldest vector of the least recently used scope goes first). Ids are unique across the
 * registry (they are cache keys): adding an id held by another scope moves it.
 *
 * The bookkeeping is synchronous and done before any index call is awaited, and index calls are
 * issued in order, so an asynchronous (server-side) index sees the same sequence of changes.
 */
import { AdaptiveVectorIndex } from './adaptive.vector-index';
import {
  MAX_ID_LENGTH,
  MAX_SCOPE_LENGTH,
  resolveRegistryLimits,
  type EvictionReason,
  type ResolvedRegistryLimits,
  type SemanticIndexRegistryOptions,
  type SemanticIndexStats,
  type VectorEviction,
} from './semantic-index.options';
import type { VectorIndex, VectorMatch } from './vector-index.interface';
import { assertSimilarityThreshold, toUnitVector } from './vector';

interface ScopeState {
  readonly scope: string;
  readonly index: VectorIndex;
  readonly dimensions: number;
  /** id → expiry (epoch ms, Infinity = none), in least-recently-used-first order. */
  readonly entries: Map<string, number>;
}

/** Expired winners dropped per lookup before the scope is swept for expired vectors at once. */
const EXPIRED_RETRIES = 4;

export class SemanticIndexRegistry {
  private readonly limits: ResolvedRegistryLimits;
  private readonly createIndex: (dimensions: number) => VectorIndex;
  private readonly onEvict: ((eviction: VectorEviction) => void) | undefined;
  private readonly now: () => number;
  /** Scopes in least-recently-used-first order. */
  private readonly scopes = new Map<string, ScopeState>();
  private readonly owners = new Map<string, ScopeState>();
  private vectorBytes = 0;
  private readonly evictions: Record<EvictionReason, number> = { maxEntriesPerScope: 0, maxScopes: 0, maxVectors: 0, maxVectorBytes: 0, expired: 0 };

  constructor(options: SemanticIndexRegistryOptions = {}) {
    this.limits = resolveRegistryLimits(options);
    this.createIndex = options.createIndex ?? ((dimensions) => new AdaptiveVectorIndex({ dimensions }));
    this.onEvict = options.onEvict;
    this.now = options.now ?? Date.now;
  }

  /**
   * Adds (or replaces) `id`'s vector in `scope`. The vector is validated and normalised (a unit
   * vector from `toUnitVector` stays bit for bit as it is); a scope's first vector fixes its
   * dimensions, and a vector of other dimensions rejects with a `VectorError`. `expiresAt` (epoch ms):
   * from then on the vector is never answered and is dropped.
   */
  async add(scope: string, id: string, vector: unknown, options: { expiresAt?: number } = {}): Promise<void> {
    checkName(scope, 'scope', MAX_SCOPE_LENGTH);
    checkName(id, 'id', MAX_ID_LENGTH);
    const expiresAt = options.expiresAt ?? Infinity;
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) throw new RangeError(`expiresAt must be epoch milliseconds (received ${String(expiresAt)})`);
    const existing = this.scopes.get(scope);
    const unit = toUnitVector(vector, existing?.dimensions, 'vector');
    const pending: Array<Promise<unknown>> = [];
    const evicted: VectorEviction[] = [];

    const state = existing ?? this.openScope(scope, unit.length, pending, evicted);
    this.touchScope(state);
    const owner = this.owners.get(id);
    if (owner !== undefined && owner !== state) pending.push(this.forget(owner, id));
    if (!state.entries.delete(id)) this.vectorBytes += state.dimensions * 4;
    state.entries.set(id, expiresAt);
    this.owners.set(id, state);
    pending.push(state.index.add(id, unit));

    while (state.entries.size > this.limits.maxEntriesPerScope) this.evictOldest(state, 'maxEntriesPerScope', pending, evicted);
    for (;;) {
      const reason = this.owners.size > this.limits.maxVectors ? 'maxVectors' : this.vectorBytes > this.limits.maxVectorBytes ? 'maxVectorBytes' : undefined;
      if (reason === undefined) break;
      this.evictOldest(this.scopes.values().next().value as ScopeState, reason, pending, evicted);
    }
    await this.settle(pending, evicted);
  }

  /**
   * The vector of `scope` most similar to `query` with a cosine similarity of at least
   * `minSimilarity` (used as given: a `RangeError` outside -1..1), or undefined. An unknown scope
   * is a miss; a query of other dimensions than the scope's rejects with a `VectorError`. The winner
   * counts as recently used.
   */
  async nearest(scope: string, query: unknown, minSimilarity: number): Promise<VectorMatch | undefined> {
    assertSimilarityThreshold(minSimilarity);
    const state = this.scopes.get(scope);
    const unit = toUnitVector(query, state?.dimensions, 'query');
    if (state === undefined) return undefined;
    this.touchScope(state);
    for (let attempt = 0; ; attempt++) {
      const match = await state.index.nearest(unit, minSimilarity);
      if (match === undefined) return undefined;
      const expiresAt = state.entries.get(match.id);
      if (expiresAt === undefined) return undefined; // removed while the (asynchronous) index answered
      if (expiresAt > this.now()) {
        state.entries.delete(match.id);
        state.entries.set(match.id, expiresAt);
        return match;
      }
      const pending: Array<Promise<unknown>> = [];
      const evicted: VectorEviction[] = [];
      if (attempt < EXPIRED_RETRIES) {
        this.evict(state, match.id, 'expired', pending, evicted);
      } else {
        const now = this.now();
        for (const [id, expiry] of state.entries) if (expiry <= now) this.evict(state, id, 'expired', pending, evicted);
      }
      await this.settle(pending, evicted);
      if (!this.scopes.has(scope)) return undefined;
    }
  }

  /** Marks `id` as recently used (e.g. on an exact hit of its entry); false when it is not held. */
  touch(id: string): boolean {
    const state = this.owners.get(id);
    const expiresAt = state?.entries.get(id);
    if (state === undefined || expiresAt === undefined) return false;
    state.entries.delete(id);
    state.entries.set(id, expiresAt);
    this.touchScope(state);
    return true;
  }

  /** The scope holding `id`, if any. */
  scopeOf(id: string): string | undefined {
    return this.owners.get(id)?.scope;
  }

  hasScope(scope: string): boolean {
    return this.scopes.has(scope);
  }

  /** Removes `id` from `scope`; true when it was there. */
  async remove(scope: string, id: string): Promise<boolean> {
    const state = this.owners.get(id);
    if (state === undefined || state.scope !== scope) return false;
    await this.forget(state, id);
    return true;
  }

  /** Removes `id` from whichever scope holds it (e.g. when its entry is deleted or expires). */
  async removeId(id: string): Promise<boolean> {
    const state = this.owners.get(id);
    if (state === undefined) return false;
    await this.forget(state, id);
    return true;
  }

  /** Removes every vector whose id (and scope) match, e.g. an invalidation by operation; returns how many. */
  async removeWhere(predicate: (id: string, scope: string) => boolean): Promise<number> {
    const matching = [...this.owners].filter(([id, state]) => predicate(id, state.scope));
    await Promise.all(matching.map(([id, state]) => this.forget(state, id)));
    return matching.length;
  }

  /** Drops a scope and its vectors; returns how many. */
  async clearScope(scope: string): Promise<number> {
    const state = this.scopes.get(scope);
    if (state === undefined) return 0;
    const count = state.entries.size;
    this.dropScope(state);
    await state.index.clear();
    return count;
  }

  /** Drops every scope; returns how many vectors were held. */
  async clear(): Promise<number> {
    const states = [...this.scopes.values()];
    const count = this.owners.size;
    for (const state of states) this.dropScope(state);
    await Promise.all(states.map((state) => state.index.clear()));
    return count;
  }

  stats(): SemanticIndexStats {
    let bytes = 0;
    let hnswScopes = 0;
    for (const state of this.scopes.values()) {
      bytes += state.index.bytes;
      if (state.index.kind === 'hnsw') hnswScopes++;
    }
    return {
      scopes: this.scopes.size,
      vectors: this.owners.size,
      bytes,
      vectorBytes: this.vectorBytes,
      hnswScopes,
      limits: { ...this.limits },
      evictions: { ...this.evictions },
    };
  }

  private openScope(scope: string, dimensions: number, pending: Array<Promise<unknown>>, evicted: VectorEviction[]): ScopeState {
    while (this.scopes.size >= this.limits.maxScopes) {
      const oldest = this.scopes.values().next().value as ScopeState;
      for (const id of oldest.entries.keys()) this.countEviction({ scope: oldest.scope, id, reason: 'maxScopes' }, evicted);
      this.dropScope(oldest);
      pending.push(oldest.index.clear());
    }
    const state: ScopeState = { scope, index: this.createIndex(dimensions), dimensions, entries: new Map() };
    if (state.index.dimensions !== dimensions) throw new RangeError(`createIndex(${dimensions}) returned an index of ${state.index.dimensions} dimensions`);
    this.scopes.set(scope, state);
    return state;
  }

  private touchScope(state: ScopeState): void {
    this.scopes.delete(state.scope);
    this.scopes.set(state.scope, state);
  }

  private evictOldest(state: ScopeState, reason: EvictionReason, pending: Array<Promise<unknown>>, evicted: VectorEviction[]): void {
    const oldest = state.entries.keys().next().value as string;
    this.evict(state, oldest, reason, pending, evicted);
  }

  private evict(state: ScopeState, id: string, reason: EvictionReason, pending: Array<Promise<unknown>>, evicted: VectorEviction[]): void {
    this.countEviction({ scope: state.scope, id, reason }, evicted);
    pending.push(this.forget(state, id));
  }

  private countEviction(eviction: VectorEviction, evicted: VectorEviction[]): void {
    this.evictions[eviction.reason]++;
    evicted.push(eviction);
  }

  /** Bookkeeping now, the index call returned (so that callers can await it or collect it). */
  private forget(state: ScopeState, id: string): Promise<unknown> {
    if (!state.entries.delete(id)) return Promise.resolve(false);
    this.owners.delete(id);
    this.vectorBytes -= state.dimensions * 4;
    if (state.entries.size > 0) return state.index.remove(id);
    this.scopes.delete(state.scope);
    return state.index.clear();
  }

  private dropScope(state: ScopeState): void {
    for (const id of state.entries.keys()) this.owners.delete(id);
    this.vectorBytes -= state.entries.size * state.dimensions * 4;
    state.entries.clear();
    this.scopes.delete(state.scope);
  }

  private async settle(pending: Array<Promise<unknown>>, evicted: VectorEviction[]): Promise<void> {
    await Promise.all(pending);
    if (this.onEvict !== undefined) for (const eviction of evicted) this.onEvict(eviction);
  }
}

function checkName(value: unknown, name: string, maxLength: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new RangeError(`${name} must be a string of 1 to ${maxLength} characters (received ${typeof value === 'string' ? `${value.length} characters` : typeof value})`);
  }
}
