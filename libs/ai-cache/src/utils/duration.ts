/**
 * Time helpers. Every TTL users give is in seconds (as in the seed and Redis EX), or a duration
 * string; internally stores work in milliseconds so fractional seconds survive.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/**
 * Parses seconds (`90`, `'90'`, `1.5`) or a duration string (`'90s'`, `'30m'`, `'2h'`, `'1d'`, `'500ms'`).
 * Returns undefined for anything else (negative, NaN, Infinity, unknown unit) so the caller can name the bad option.
 */
export function parseDurationSeconds(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const match = DURATION.exec(input.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'];
  return Number.isFinite(seconds) ? seconds : undefined;
}

export const secondsToMs = (seconds: number): number => Math.max(1, Math.round(seconds * 1000));

/** Redis TTL semantics: whole seconds left, rounded up so a live key never reports 0. */
export const msToWholeSeconds = (ms: number): number => Math.ceil(ms / 1000);
