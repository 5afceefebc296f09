import { testEntry } from '../testing/test-entry';
import { MemoryStore } from './memory.store';
import { MemoryTiers } from './memory-tiers';

const memory = (maxEntries: number) => new MemoryStore({ maxEntries, purgeIntervalMs: 0 });

describe('MemoryTiers', () => {
  it('lists the keys of both tiers and removes keys from both, counting each key once', async () => {
    const l1 = memory(5);
    const outage = memory(10);
    const tiers = new MemoryTiers(l1, outage);
    await l1.set('both', ...testEntry(1));
    await outage.set('both', ...testEntry(1));
    await outage.set('outage-only', ...testEntry(2));
    expect([...tiers.keys()].sort()).toEqual(['both', 'both', 'outage-only']);
    expect(tiers.delete(['both', 'outage-only', 'missing'])).toBe(2);
    expect([...tiers.keys()]).toEqual([]);
  });

  it("sums the tiers' figures; the outage tier's bound counts while Redis fails or it holds entries", async () => {
    const l1 = memory(5);
    const outage = memory(10);
    const tiers = new MemoryTiers(l1, outage);
    expect(tiers.stats(false)).toMatchObject({ entries: 0, maxEntries: 5 });
    expect(tiers.stats(true)).toMatchObject({ maxEntries: 15 });
    await outage.set('k', ...testEntry('v'));
    expect(tiers.stats(false)).toMatchObject({ entries: 1, maxEntries: 15 });
    expect(new MemoryTiers(undefined, undefined).stats(true)).toEqual({ entries: 0, maxEntries: 0, bytes: 0 });
  });
});
