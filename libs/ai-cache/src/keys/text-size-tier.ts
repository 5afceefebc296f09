import type { TextSizeTiers } from '../interfaces/cache-module-options.interface';

/** Coarse bucket of a request text's length, so that the monitor can report hit ratios per size. */
export type TextSizeTier = 'small' | 'medium' | 'large' | 'xlarge';

/**
 * The tier of a text of `length` characters: each bound is exclusive (with the default tiers,
 * 499 is `small` and 500 is `medium`), and anything from `tiers.large` up is `xlarge`.
 */
export function textSizeTier(length: number, tiers: TextSizeTiers): TextSizeTier {
  if (length < tiers.small) return 'small';
  if (length < tiers.medium) return 'medium';
  if (length < tiers.large) return 'large';
  return 'xlarge';
}
