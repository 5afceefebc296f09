import { BadGatewayException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CacheModule } from '@app/ai-cache';
import { FakeLlmClient } from '../llm/fake/fake-llm.client';
import { LLM_CLIENT, type LlmClient } from '../llm/llm-client.interface';
import { LlmUpstreamError } from '../llm/llm-upstream.error';
import { OPERATION_DESCRIPTIONS } from '../operations/text-operation';
import { TextProcessorController } from './text-processor.controller';
import { TextProcessorService } from './text-processor.service';

/** A model that always fails with the given error. */
class FailingLlmClient implements LlmClient {
  constructor(private readonly error: Error) {}
  complete(): Promise<never> {
    return Promise.reject(this.error);
  }
}

describe('TextProcessorController', () => {
  let moduleRef: TestingModule;

  async function controllerWith(llm: LlmClient): Promise<TextProcessorController> {
    moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ driver: 'memory' })],
      controllers: [TextProcessorController],
      providers: [TextProcessorService, { provide: LLM_CLIENT, useValue: llm }],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return moduleRef.get(TextProcessorController);
  }

  afterEach(async () => {
    await moduleRef?.close();
  });

  // The X-Cache header comes from AICacheContextInterceptor: the HTTP e2e suite checks it.
  it('answers with the result, computed first, then cached for the identical request', async () => {
    const controller = await controllerWith(new FakeLlmClient(0));
    const request = { operation: 'sentiment' as const, text: 'A great, reliable cache.' };

    const miss = await controller.process(request);
    const hit = await controller.process(request);

    expect(miss).toEqual({
      operation: 'sentiment',
      result: { sentiment: 'positive', confidence: expect.any(Number) },
      cached: false,
      processingTimeMs: expect.any(Number),
    });
    expect(hit).toEqual({ ...miss, cached: true, processingTimeMs: expect.any(Number) });
  });

  it('turns a model failure into a 502 carrying its message', async () => {
    const controller = await controllerWith(new FailingLlmClient(new LlmUpstreamError('LLM server answered 500: boom', 500)));

    const failure = await controller
      .process({ operation: 'summarize', text: 'x' })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(BadGatewayException);
    expect((failure as BadGatewayException).getResponse()).toMatchObject({
      statusCode: 502,
      message: 'LLM server answered 500: boom',
    });
  });

  it('lets any other error through unchanged (a bug is a 500, not a 502)', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const controller = await controllerWith(new FailingLlmClient(bug));

    await expect(controller.process({ operation: 'summarize', text: 'x' })).rejects.toBe(bug);
  });

  it('lists the operations', async () => {
    const controller = await controllerWith(new FakeLlmClient(0));
    expect(controller.operations()).toEqual({ operations: OPERATION_DESCRIPTIONS });
  });
});
