import { CacheOptionsError } from './cache-options.error';
import type { CacheDriver } from './interfaces/cache-stats.interface';
import { parseDurationSeconds } from './utils/duration';

/** `refreshAhead` as given: on (beta 1), off, or XFetch's beta. */
export type RefreshAheadInput = boolean | { beta?: number };

export interface SingleFlightOptions {
  /** Coalesce identical misses across every instance on the same Redis. Default: true on the redis driver. */
  fleet?: boolean;
  /** Milliseconds a lease lives without renewal (renewed every third of it while computing). Default 30 000. */
  leaseMs?: number;
  /** Longest a caller waits for another instance's result, in milliseconds, before computing itself. Default 60 000. */
  maxWaitMs?: number;
}

export interface ResolvedFlightOptions {
  singleFlight: { fleet: boolean; leaseMs: number; maxWaitMs: number };
  /** Seconds an entry is kept (and answered stale) past its TTL; 0: no stale window. */
  staleWhileRevalidate: number;
  /** XFetch's beta when refresh-ahead is on. */
  refreshAhead?: { beta: number };
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_MAX_WAIT_MS = 60_000;
const MAX_LEASE_MS = 3_600_000;

/** The module's single-flight, stale-while-revalidate and refresh-ahead options, validated. */
export function resolveFlightOptions(raw: Record<string, unknown>, driver: CacheDriver): ResolvedFlightOptions {
  const singleFlight = raw.singleFlight ?? {};
  if (typeof singleFlight !== 'object' || singleFlight === null || Array.isArray(singleFlight)) {
    throw new CacheOptionsError('singleFlight', 'expected an object { fleet?, leaseMs?, maxWaitMs? }', singleFlight);
  }
  const { fleet, leaseMs, maxWaitMs, ...unknown } = singleFlight as Record<string, unknown>;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined) throw new CacheOptionsError(`singleFlight.${extra}`, 'unknown option; expected one of fleet, leaseMs, maxWaitMs', unknown[extra]);
  if (fleet !== undefined && typeof fleet !== 'boolean') throw new CacheOptionsError('singleFlight.fleet', 'expected a boolean', fleet);
  return {
    singleFlight: {
      fleet: fleet ?? driver === 'redis',
      leaseMs: milliseconds(leaseMs, 'singleFlight.leaseMs', DEFAULT_LEASE_MS, 100, MAX_LEASE_MS),
      maxWaitMs: milliseconds(maxWaitMs, 'singleFlight.maxWaitMs', DEFAULT_MAX_WAIT_MS, 0, MAX_LEASE_MS),
    },
    staleWhileRevalidate: resolveStaleWindow(raw.staleWhileRevalidate, 'staleWhileRevalidate') ?? 0,
    refreshAhead: resolveRefreshAhead(raw.refreshAhead, 'refreshAhead'),
  };
}

/** A stale window in seconds (0 allowed), or a duration string; undefined when not given. */
export function resolveStaleWindow(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) throw new CacheOptionsError(option, "expected seconds >= 0 or a duration such as '30s', '10m', '1h'", value);
  return seconds;
}

/** `true` (beta 1), `false`, or `{ beta }` with beta a positive number; undefined when not given or off. */
export function resolveRefreshAhead(value: unknown, option: string): { beta: number } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { beta: 1 };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { beta = 1, ...unknown } = value as Record<string, unknown>;
    const extra = Object.keys(unknown)[0];
    if (extra !== undefined) throw new CacheOptionsError(`${option}.${extra}`, 'unknown option; expected beta', unknown[extra]);
    if (typeof beta === 'number' && Number.isFinite(beta) && beta > 0) return { beta };
    throw new CacheOptionsError(`${option}.beta`, 'expected a positive number (XFetch beta; 1 is the usual, larger refreshes earlier)', beta);
  }
  throw new CacheOptionsError(option, 'expected true, false or { beta }', value);
}

function milliseconds(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new CacheOptionsError(option, `expected an integer number of milliseconds from ${min} to ${max}`, value);
}
