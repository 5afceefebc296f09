import { CacheOptionsError } from '../cache-options.resolver';
import { AICacheContext } from '../context/ai-cache.context';
import { adapterCall, recordAdapterOutcome, resolveAdapterOptions } from './adapter-options';

describe('resolveAdapterOptions', () => {
  it('defaults the operation and resolves a duration TTL to seconds', () => {
    expect(resolveAdapterOptions(undefined, 'llm', 'X')).toEqual({ operation: 'llm' });
    expect(resolveAdapterOptions({ operation: 'summarize', ttl: '2h' }, 'llm', 'X')).toEqual({ operation: 'summarize', ttl: 7200 });
  });

  it('rejects a bad option naming the adapter and the option', () => {
    expect(() => resolveAdapterOptions({ operation: 'a:b' }, 'llm', 'LangChainAICache')).toThrow(/LangChainAICache: options.operation: Invalid AI operation "a:b"/);
    expect(() => resolveAdapterOptions({ ttl: 0 }, 'llm', 'LangChainAICache')).toThrow(CacheOptionsError);
    expect(() => resolveAdapterOptions({ ttl: 'soon' }, 'llm', 'LangChainAICache')).toThrow(/LangChainAICache options.ttl/);
    expect(() => resolveAdapterOptions({ opration: 'x' }, 'llm', 'withAICache')).toThrow("withAICache: unknown option 'opration' (known: operation, ttl)");
    expect(() => resolveAdapterOptions('chat', 'llm', 'withAICache')).toThrow(/withAICache: options must be an object/);
  });
});

describe('adapterCall', () => {
  const adapter = { operation: 'llm', ttl: 60 };

  it('uses the adapter TTL outside any context', () => {
    expect(adapterCall(adapter)).toEqual({ options: { ttl: 60 }, frame: undefined });
  });

  it('takes the tenant and the controls of the caller’s AICacheContext, its TTL winning', () => {
    const call = AICacheContext.run({ tenant: 'acme', noStore: true, ttl: '5m' }, () => adapterCall(adapter));
    expect(call.options).toEqual({ ttl: 300, scope: 'acme', noStore: true });
  });

  it('counts outcomes in the context it was made in, and in the runs around it', () => {
    const counted = AICacheContext.run({}, () => {
      const outer = AICacheContext.run({}, () => {
        const call = adapterCall(adapter);
        recordAdapterOutcome(call, 'hit');
        recordAdapterOutcome(call, 'miss');
        return AICacheContext.outcome();
      });
      return { outer, here: AICacheContext.outcome() };
    });
    expect(counted).toEqual({ outer: { hits: 1, misses: 1, coalesced: 0, stale: 0, semantic: 0 }, here: { hits: 1, misses: 1, coalesced: 0, stale: 0, semantic: 0 } });
    expect(() => recordAdapterOutcome(adapterCall(adapter), 'coalesced')).not.toThrow();
  });
});
