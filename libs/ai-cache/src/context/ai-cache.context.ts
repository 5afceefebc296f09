import { AsyncLocalStorage } from 'node:async_hooks';
import { resolveTtl } from '../cache-options.resolver';
import { resolveRefreshAhead, resolveStaleWindow } from '../flight.options';
import type { TtlInput } from '../interfaces/cache-module-options.interface';

/** Per-call controls for `@CachedAIResponse()` methods, set with `AICacheContext.run()`. */
export interface AICacheControls {
  /** Skip the cache read (the method body runs), still write the result. HTTP `Cache-Control: no-cache`. */
  noCache?: boolean;
  /** Read the cache, but never write what is computed. HTTP `Cache-Control: no-store`. */
  noStore?: boolean;
  /** Drop the cached answer, compute a new one and cache it; identical calls meanwhile wait for the new one. */
  forceRefresh?: boolean;
  /** TTL of what is written, in seconds or a duration string (`'90s'`, `'2h'`). Wins over the decorator's and the operation's. */
  ttl?: TtlInput;
  /** Tenant whose entries are read and written: hashed into the key, so tenants never see each other's answers. */
  tenant?: string;
  /** Stale window of what is written, in seconds or a duration. Wins over the decorator's and the module's. */
  staleWhileRevalidate?: TtlInput;
  /** Refresh-ahead for these calls (`true`, `false`, `{ beta }`). Wins over the decorator's and the module's. */
  refreshAhead?: boolean | { beta?: number };
}

/** How the decorated calls made inside a context were answered (nested contexts included). */
export interface AICacheOutcome {
  /** Served from the cache. */
  hits: number;
  /** Ran the method body (the model was called). */
  misses: number;
  /** Waited for an identical call that was already running the body. */
  coalesced: number;
  /** Served from the cache past its TTL, inside its stale window (a background refresh replaces it). */
  stale: number;
  /** Served by a semantically similar entry (semantic match), not an exact one. */
  semantic: number;
}

export type AICacheCallStatus = 'hit' | 'miss' | 'coalesced' | 'stale' | 'semantic';

/** Longest tenant accepted. Tenants are hashed into keys, so this bounds work, not key length. */
export const MAX_TENANT_LENGTH = 128;

const CONTROL_KEYS: ReadonlySet<string> = new Set(['noCache', 'noStore', 'forceRefresh', 'ttl', 'tenant', 'staleWhileRevalidate', 'refreshAhead']);
const BOOLEAN_CONTROLS = ['noCache', 'noStore', 'forceRefresh'] as const;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Controls after validation: the TTL is in seconds. */
export interface ResolvedAICacheControls {
  readonly noCache?: boolean;
  readonly noStore?: boolean;
  readonly forceRefresh?: boolean;
  readonly ttl?: number;
  readonly tenant?: string;
  /** Seconds. */
  readonly staleWhileRevalidate?: number;
  readonly refreshAhead?: { beta: number } | false;
}

/** One `run()`: its effective controls, and the outcome counters it shares with the runs around it. */
export interface AICacheContextFrame {
  readonly controls: ResolvedAICacheControls;
  readonly outcome: AICacheOutcome;
  readonly parent?: AICacheContextFrame;
}

const storage = new AsyncLocalStorage<AICacheContextFrame>();
const NO_CONTROLS: ResolvedAICacheControls = Object.freeze({});

/**
 * Per-call cache controls without changing method signatures: everything called inside
 * `AICacheContext.run(controls, fn)` (synchronously or after any number of awaits) sees them.
 *
 *     await AICacheContext.run({ tenant: 'acme', noStore: true }, () => this.ai.summarize(text));
 *
 * Runs nest: the inner run's controls override the outer's one by one, and each run counts the
 * outcomes of the decorated calls made inside it, nested runs included (that is how the
 * interceptor knows whether a request was a HIT or a MISS).
 */
export class AICacheContext {
  private constructor() {}

  /** Runs `fn` with `controls` (merged over those of an enclosing run). Throws a TypeError for a bad control. */
  static run<R>(controls: AICacheControls, fn: () => R): R {
    const parent = storage.getStore();
    const resolved = resolveControls(controls);
    const frame: AICacheContextFrame = {
      controls: Object.freeze({ ...(parent?.controls ?? NO_CONTROLS), ...resolved }),
      outcome: { hits: 0, misses: 0, coalesced: 0, stale: 0, semantic: 0 },
      parent,
    };
    return storage.run(frame, fn);
  }

  /** The controls in effect here (an empty object outside any run). */
  static controls(): ResolvedAICacheControls {
    return storage.getStore()?.controls ?? NO_CONTROLS;
  }

  /** A snapshot of the outcomes counted by the innermost run so far; undefined outside any run. */
  static outcome(): AICacheOutcome | undefined {
    const frame = storage.getStore();
    return frame && { ...frame.outcome };
  }
}

/** The innermost run, for the decorator (which captures it at call time) and the interceptor. */
export function currentContextFrame(): AICacheContextFrame | undefined {
  return storage.getStore();
}

/** Counts one decorated call in `frame` and every run around it. */
export function recordCallOutcome(frame: AICacheContextFrame | undefined, status: AICacheCallStatus): void {
  for (let current = frame; current; current = current.parent) {
    if (status === 'hit') current.outcome.hits++;
    else if (status === 'miss') current.outcome.misses++;
    else if (status === 'stale') current.outcome.stale++;
    else if (status === 'semantic') current.outcome.semantic++;
    else current.outcome.coalesced++;
  }
}

/** Throws a TypeError unless `tenant` is 1 to 128 characters without control characters. */
export function assertValidTenant(tenant: unknown): asserts tenant is string {
  if (typeof tenant !== 'string') {
    throw new TypeError(`AICacheContext: tenant must be a string, got ${tenant === null ? 'null' : typeof tenant}`);
  }
  if (tenant.length === 0 || tenant.length > MAX_TENANT_LENGTH || CONTROL_CHARACTER.test(tenant)) {
    throw new TypeError(
      `AICacheContext: tenant must be 1 to ${MAX_TENANT_LENGTH} characters without control characters (got ${tenant.length} characters)`,
    );
  }
}

function resolveControls(controls: AICacheControls): ResolvedAICacheControls {
  if (typeof controls !== 'object' || controls === null || Array.isArray(controls)) {
    throw new TypeError('AICacheContext.run: controls must be an object such as { noCache: true }');
  }
  for (const key of Object.keys(controls)) {
    // A typo ({ nocache: true }) would otherwise silently cache what the caller meant to bypass.
    if (!CONTROL_KEYS.has(key)) {
      throw new TypeError(`AICacheContext.run: unknown control '${key}' (known: ${[...CONTROL_KEYS].join(', ')})`);
    }
  }
  const resolved: { -readonly [K in keyof ResolvedAICacheControls]: ResolvedAICacheControls[K] } = {};
  for (const key of BOOLEAN_CONTROLS) {
    const value = controls[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new TypeError(`AICacheContext.run: ${key} must be a boolean, got ${typeof value}`);
    resolved[key] = value;
  }
  if (controls.ttl !== undefined) resolved.ttl = resolveTtl(controls.ttl, 'ttl');
  if (controls.staleWhileRevalidate !== undefined) resolved.staleWhileRevalidate = resolveStaleWindow(controls.staleWhileRevalidate, 'staleWhileRevalidate');
  if (controls.refreshAhead !== undefined) resolved.refreshAhead = resolveRefreshAhead(controls.refreshAhead, 'refreshAhead') ?? false;
  if (controls.tenant !== undefined) {
    assertValidTenant(controls.tenant);
    resolved.tenant = controls.tenant;
  }
  return resolved;
}
