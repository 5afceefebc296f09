import { CacheOptionsError } from '../cache-options.resolver';
import { AICacheContext, assertValidTenant, currentContextFrame, MAX_TENANT_LENGTH, recordCallOutcome } from './ai-cache.context';

describe('AICacheContext', () => {
  it('has no controls and no outcome outside any run', () => {
    expect(AICacheContext.controls()).toEqual({});
    expect(AICacheContext.outcome()).toBeUndefined();
    expect(currentContextFrame()).toBeUndefined();
  });

  it('exposes the controls to everything called inside run(), across awaits, and returns fn’s result', async () => {
    const result = await AICacheContext.run({ noCache: true, tenant: 'acme' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return AICacheContext.controls();
    });
    expect(result).toEqual({ noCache: true, tenant: 'acme' });
    expect(AICacheContext.controls()).toEqual({});
  });

  it('resolves the ttl to seconds', () => {
    expect(AICacheContext.run({ ttl: '2m' }, () => AICacheContext.controls().ttl)).toBe(120);
    expect(AICacheContext.run({ ttl: 45 }, () => AICacheContext.controls().ttl)).toBe(45);
  });

  it('merges nested runs control by control, the inner one winning', () => {
    const inner = AICacheContext.run({ tenant: 'a', noStore: true, ttl: 10 }, () =>
      AICacheContext.run({ noStore: false, forceRefresh: true }, () => AICacheContext.controls()),
    );
    expect(inner).toEqual({ tenant: 'a', noStore: false, ttl: 10, forceRefresh: true });
  });

  it('keeps concurrent runs apart', async () => {
    const seen = await Promise.all(
      ['one', 'two', 'three'].map((tenant) =>
        AICacheContext.run({ tenant }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return AICacheContext.controls().tenant;
        }),
      ),
    );
    expect(seen).toEqual(['one', 'two', 'three']);
  });

  it('counts outcomes in the innermost run and every run around it', () => {
    AICacheContext.run({}, () => {
      recordCallOutcome(currentContextFrame(), 'miss');
      AICacheContext.run({}, () => {
        recordCallOutcome(currentContextFrame(), 'hit');
        recordCallOutcome(currentContextFrame(), 'coalesced');
        expect(AICacheContext.outcome()).toEqual({ hits: 1, misses: 0, coalesced: 1, stale: 0, semantic: 0 });
      });
      expect(AICacheContext.outcome()).toEqual({ hits: 1, misses: 1, coalesced: 1, stale: 0, semantic: 0 });
    });
  });

  it('hands out snapshots of the outcome, not the live counters', () => {
    AICacheContext.run({}, () => {
      const snapshot = AICacheContext.outcome()!;
      snapshot.hits = 42;
      expect(AICacheContext.outcome()!.hits).toBe(0);
    });
  });

  it('freezes the controls it exposes', () => {
    AICacheContext.run({ noCache: true }, () => {
      expect(Object.isFrozen(AICacheContext.controls())).toBe(true);
    });
  });

  it.each([
    [null, /controls must be an object/],
    [[], /controls must be an object/],
    [{ noCahce: true }, /unknown control 'noCahce'/],
    [{ noCache: 1 }, /noCache must be a boolean, got number/],
    [{ forceRefresh: 'true' }, /forceRefresh must be a boolean/],
    [{ tenant: 7 }, /tenant must be a string, got number/],
    [{ tenant: '' }, /tenant must be 1 to 128 characters/],
  ])('rejects %p', (controls, message) => {
    expect(() => AICacheContext.run(controls as never, () => undefined)).toThrow(message);
  });

  it('rejects a bad ttl with the option error naming `ttl`', () => {
    expect(() => AICacheContext.run({ ttl: 0 }, () => undefined)).toThrow(CacheOptionsError);
  });
});

describe('assertValidTenant', () => {
  it('accepts 1 to MAX_TENANT_LENGTH characters, any printable ones', () => {
    expect(() => assertValidTenant('a')).not.toThrow();
    expect(() => assertValidTenant('org:42/ünïcode ✓')).not.toThrow();
    expect(() => assertValidTenant('x'.repeat(MAX_TENANT_LENGTH))).not.toThrow();
  });

  it('rejects empty, too long and control characters', () => {
    expect(() => assertValidTenant('')).toThrow(TypeError);
    expect(() => assertValidTenant('x'.repeat(MAX_TENANT_LENGTH + 1))).toThrow(/got 129 characters/);
    expect(() => assertValidTenant('tab\there')).toThrow(/control characters/);
    expect(() => assertValidTenant('nul\u0000')).toThrow(/control characters/);
    expect(() => assertValidTenant(undefined)).toThrow(/must be a string, got undefined/);
  });
});
