import { BadRequestException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, defer } from 'rxjs';
import { AICacheContext, currentContextFrame, recordCallOutcome, type ResolvedAICacheControls } from './ai-cache.context';
import { AICacheContextInterceptor, type AICacheContextInterceptorOptions } from './ai-cache-context.interceptor';

function httpContext(headers: Record<string, string | string[]>) {
  const setHeaders: Record<string, string> = {};
  const response = { headersSent: false, setHeader: (name: string, value: string) => (setHeaders[name] = value) };
  const context = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ headers }), getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, setHeaders, response };
}

/** A handler that reports the controls it saw and records the given outcomes, as decorated calls would. */
function handler(outcomes: Array<'hit' | 'miss' | 'coalesced'> = []) {
  const seen: { controls?: ResolvedAICacheControls } = {};
  const next: CallHandler = {
    handle: () =>
      defer(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.controls = AICacheContext.controls();
        for (const outcome of outcomes) recordCallOutcome(currentContextFrame(), outcome);
        return 'body';
      }),
  };
  return { next, seen };
}

const run = (options: AICacheContextInterceptorOptions | undefined, headers: Record<string, string | string[]>, outcomes?: Array<'hit' | 'miss' | 'coalesced'>) => {
  const { context, setHeaders } = httpContext(headers);
  const { next, seen } = handler(outcomes);
  const result = lastValueFrom(new AICacheContextInterceptor(options).intercept(context, next));
  return { result, seen, setHeaders };
};

describe('AICacheContextInterceptor', () => {
  it('runs the handler, across awaits, with the controls from Cache-Control and X-Tenant', async () => {
    const { result, seen } = run(undefined, { 'cache-control': 'no-cache, no-store', 'x-tenant': 'acme' });
    expect(await result).toBe('body');
    expect(seen.controls).toEqual({ noCache: true, noStore: true, tenant: 'acme' });
  });

  it('sets X-Cache: HIT when no cached call ran its body, MISS when one did, nothing without cached calls', async () => {
    const hit = run(undefined, {}, ['hit', 'coalesced']);
    await hit.result;
    expect(hit.setHeaders).toEqual({ 'X-Cache': 'HIT' });
    const miss = run(undefined, {}, ['hit', 'miss']);
    await miss.result;
    expect(miss.setHeaders).toEqual({ 'X-Cache': 'MISS' });
    const none = run(undefined, {}, []);
    await none.result;
    expect(none.setHeaders).toEqual({});
  });

  it('answers 400 for an invalid tenant, before the handler runs', () => {
    const { context } = httpContext({ 'x-tenant': 'x'.repeat(200) });
    const { next, seen } = handler();
    expect(() => new AICacheContextInterceptor().intercept(context, next)).toThrow(BadRequestException);
    expect(seen.controls).toBeUndefined();
  });

  it('takes the tenant from a function, or from another header, or not at all', async () => {
    const fromUser = run({ tenant: () => 'org-7' }, { 'x-tenant': 'ignored' });
    await fromUser.result;
    expect(fromUser.seen.controls).toEqual({ tenant: 'org-7' });
    const fromHeader = run({ tenant: 'X-Org' }, { 'x-org': 'o1', 'x-tenant': 'ignored' });
    await fromHeader.result;
    expect(fromHeader.seen.controls).toEqual({ tenant: 'o1' });
    const none = run({ tenant: false }, { 'x-tenant': 'ignored' });
    await none.result;
    expect(none.seen.controls).toEqual({});
  });

  it('can ignore client cache directives, and rename or drop the status header', async () => {
    const ignored = run({ cacheControl: false, statusHeader: 'X-AI-Cache' }, { 'cache-control': 'no-cache' }, ['hit']);
    await ignored.result;
    expect(ignored.seen.controls).toEqual({});
    expect(ignored.setHeaders).toEqual({ 'X-AI-Cache': 'HIT' });
    const silent = run({ statusHeader: false }, {}, ['miss']);
    await silent.result;
    expect(silent.setHeaders).toEqual({});
  });

  it('passes non-HTTP contexts through untouched', async () => {
    const context = { getType: () => 'rpc' } as unknown as ExecutionContext;
    const next: CallHandler = { handle: () => of(AICacheContext.controls()) };
    expect(await lastValueFrom(new AICacheContextInterceptor().intercept(context, next))).toEqual({});
  });

  it('does not touch a response whose headers were already sent', async () => {
    const { context, setHeaders, response } = httpContext({});
    response.headersSent = true;
    const { next } = handler(['miss']);
    await lastValueFrom(new AICacheContextInterceptor().intercept(context, next));
    expect(setHeaders).toEqual({});
  });
});
