/**
 * `@CachedAIResponse()` on a provider method vs calling `getOrCompute` directly, both on a memory
 * hit: the decorator must cost next to nothing on top of the call it wraps. The decorator is looked
 * up at run time so that the benchmark still builds and runs (reporting 'pending') without it.
 */
import { Injectable } from '@nestjs/common';
import * as library from '../../libs/ai-cache/src';
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { aiRequest, aiResponse } from '../support/fixtures';
import { notRun, runScenario, type ScenarioResult } from '../support/scenario';

type MethodDecoratorFactory = (options?: Record<string, unknown>) => MethodDecorator;

const SPEC = {
  id: 'decorator.hit',
  group: 'decorator',
  title: '@CachedAIResponse() hit vs direct getOrCompute() hit',
  unit: 'ops/s',
  higherIsBetter: true,
} as const;

export async function decoratorScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const CachedAIResponse = (library as unknown as Record<string, unknown>).CachedAIResponse as MethodDecoratorFactory | undefined;
  if (typeof CachedAIResponse !== 'function') {
    return [notRun(SPEC, 'pending', 'CachedAIResponse is not exported from libs/ai-cache/src/index.ts yet')];
  }

  const response = aiResponse(1);
  const request = aiRequest(1, 3);
  let modelCalls = 0;
  const model = async () => {
    modelCalls++;
    return response;
  };

  class Summarizer {
    summarize(text: string, options?: Record<string, unknown>): Promise<unknown> {
      void text;
      void options;
      return model();
    }
  }
  Injectable()(Summarizer);
  const descriptor = Object.getOwnPropertyDescriptor(Summarizer.prototype, 'summarize') as PropertyDescriptor;
  const decorated = CachedAIResponse()(Summarizer.prototype, 'summarize', descriptor);
  if (decorated) Object.defineProperty(Summarizer.prototype, 'summarize', decorated);

  const ours = await createOurCache({ driver: 'memory' }, { providers: [Summarizer] });
  try {
    const summarizer = ours.app.get(Summarizer);
    const direct = { text: request.text, operation: 'summarize_direct', options: request.options };
    await summarizer.summarize(request.text, request.options);
    await summarizer.summarize(request.text, request.options);
    await ours.cache.getOrCompute(direct, model);
    if (modelCalls !== 2) {
      return [notRun(SPEC, 'error', `the decorated method did not hit the cache (${modelCalls} model calls for 2 + 1 identical calls)`)];
    }
    ctx.log('decorator: hit vs direct getOrCompute');
    return [
      await runScenario(
        {
          ...SPEC,
          contenders: [
            { name: '@CachedAIResponse() method', kind: 'ours', op: () => summarizer.summarize(request.text, request.options) },
            { name: 'direct getOrCompute()', kind: 'baseline', op: () => ours.cache.getOrCompute(direct, model) },
          ],
        },
        ctx.reps,
        ctx.repMsScale,
      ),
    ];
  } finally {
    await ours.app.close();
  }
}
