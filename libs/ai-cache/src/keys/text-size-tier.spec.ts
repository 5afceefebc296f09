import { textSizeTier } from './text-size-tier';

describe('textSizeTier', () => {
  const defaults = { small: 500, medium: 5000, large: 50000 };

  it.each([
    [0, 'small'],
    [499, 'small'],
    [500, 'medium'],
    [4999, 'medium'],
    [5000, 'large'],
    [49999, 'large'],
    [50000, 'xlarge'],
    [10_000_000, 'xlarge'],
  ])('a text of %i characters is %s with the default tiers', (length, tier) => {
    expect(textSizeTier(length, defaults)).toBe(tier);
  });

  it('follows the tiers it is given', () => {
    const tiers = { small: 10, medium: 20, large: 30 };
    expect(textSizeTier(9, tiers)).toBe('small');
    expect(textSizeTier(10, tiers)).toBe('medium');
    expect(textSizeTier(20, tiers)).toBe('large');
    expect(textSizeTier(30, tiers)).toBe('xlarge');
  });
});
