import { Observable } from 'rxjs';
import type { CachedAIResponseMetadata } from './cached-ai-response.decorator';
import { planCachedMethod } from './cached-method.plan';

const asyncMethod = async (..._args: unknown[]) => 'x';
const plan = (metadata: Partial<CachedAIResponseMetadata>, method: Function = asyncMethod, returnType?: unknown) =>
  planCachedMethod({ methodName: 'summarize', ...metadata }, 'TextService', method, returnType);

describe('planCachedMethod', () => {
  it('defaults the operation to the method name and leaves the TTL to the operation', () => {
    expect(plan({})).toMatchObject({ where: 'TextService.summarize', operation: 'summarize', ttl: undefined, kind: 'promise' });
  });

  it('takes an explicit operation, and resolves the ttl to seconds', () => {
    expect(plan({ operation: 'key_points', ttl: '2h' })).toMatchObject({ operation: 'key_points', ttl: 7200 });
  });

  it('infers the return kind (and honours `returns`)', () => {
    expect(plan({}, function () {}, Observable).kind).toBe('observable');
    expect(plan({}, async function* () {}).kind).toBe('async-iterable');
    expect(plan({ returns: 'async-iterable' }, function () {}).kind).toBe('async-iterable');
    expect(plan({}, function () {}, Number)).toMatchObject({ kind: 'promise', synchronousType: 'Number' });
  });

  it.each([
    [{ methodName: '$run' }, /TextService\.\$run: Invalid AI operation "\$run".*name it with \{ operation \}/],
    [{ methodName: Symbol('run') }, /TextService\.Symbol\(run\): a method named by a symbol needs an explicit \{ operation \}/],
    [{ operation: 'a:b' }, /TextService\.summarize: Invalid AI operation "a:b"/],
    [{ operation: '' }, /Invalid AI operation ""/],
    [{ ttl: 0 }, /TextService\.summarize: .*`ttl`/],
    [{ ttl: '1 hour' }, /`ttl`/],
    [{ request: {} }, /`request` must be a function/],
    [{ unless: true }, /`unless` must be a function/],
    [{ returns: 'iterable' }, /`returns` must be one of 'promise', 'observable', 'async-iterable'/],
    [{ operaton: 'qa' }, /unknown option 'operaton'/],
  ])('fails for %p, naming the class and method', (metadata, message) => {
    expect(() => plan(metadata as never)).toThrow(message);
  });

  describe('default request mapping (text, options?, question?)', () => {
    const { toRequest } = plan({});

    it('maps the arguments, leaving absent fields out', () => {
      expect(toRequest(['t'])).toEqual({ text: 't', operation: 'summarize' });
      expect(toRequest(['t', { n: 1 }])).toEqual({ text: 't', operation: 'summarize', options: { n: 1 } });
      expect(toRequest(['t', undefined, 'why?'])).toEqual({ text: 't', operation: 'summarize', question: 'why?' });
      expect(toRequest(['t', null, null])).toEqual({ text: 't', operation: 'summarize' });
    });

    it('ignores arguments beyond the third', () => {
      expect(toRequest(['t', undefined, undefined, new AbortController().signal])).toEqual({ text: 't', operation: 'summarize' });
    });

    it('rejects arguments it cannot key, naming the method and the fix', () => {
      expect(() => toRequest([1])).toThrow(/TextService\.summarize: the first argument must be a string, got number.*request:/);
      expect(() => toRequest(['t', new Map()])).toThrow(/options must be a plain object, got an instance of Map/);
      expect(() => toRequest(['t', ['a']])).toThrow(/options must be a plain object, got an array/);
      expect(() => toRequest(['t', undefined, 5])).toThrow(/question must be a string, got number/);
    });
  });

  describe('request mapper', () => {
    it('keeps only the request fields, with the decorator’s operation unless the mapper names one', () => {
      const { toRequest } = plan({ request: (dto: { body: string; id: number; op?: string }) => ({ text: dto.body, operation: dto.op }) });
      expect(toRequest([{ body: 'b', id: 1 }])).toEqual({ text: 'b', operation: 'summarize' });
      expect(toRequest([{ body: 'b', id: 1, op: 'qa' }])).toEqual({ text: 'b', operation: 'qa' });
    });

    it('passes every argument to the mapper', () => {
      const { toRequest } = plan({ request: (text: string, model: string, temperature: number) => ({ text, options: { model, temperature } }) });
      expect(toRequest(['t', 'gpt', 0.2])).toEqual({ text: 't', operation: 'summarize', options: { model: 'gpt', temperature: 0.2 } });
    });

    it('rejects what a mapper returns when it cannot be keyed', () => {
      expect(() => plan({ request: () => undefined as never }).toRequest([])).toThrow(/the `request` mapper must return/);
      expect(() => plan({ request: () => ({ text: 3 }) as never }).toRequest([])).toThrow(/its text is number/);
      expect(() => plan({ request: () => ({ text: 't', operation: 'no way' }) }).toRequest([])).toThrow(
        /the `request` mapper returned a bad operation: Invalid AI operation "no way"/,
      );
    });
  });
});
