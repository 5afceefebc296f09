import { BadGatewayException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CacheModule } from '@app/ai-cache';
import { FakeLlmClient } from '../llm/fake/fake-llm.client';
import { LLM_CLIENT, type LlmClient } from '../llm/llm-client.interface';
import { LlmUpstreamError } from '../llm/llm-upstream.error';
import { OPERATION_DESCRIPTIONS } from '../operations/text-operation';
import { TextProcessorController } from './text-processor.controller';
import { TextProcessorService } from './text-processor.service';

class RecordingResponse {
  readonly headers: Record<string, string> = {};
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
}

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

  it('answers with the result and X-Cache MISS, then HIT for the identical request', async () => {
    const controller = await controllerWith(new FakeLlmClient(0));
    const request = { operation: 'sentiment' as const, text: 'A great, reliable cache.' };

    const first = new RecordingResponse();
    const miss = await controller.process(request, first);
    const second = new RecordingResponse();
    const hit = await controller.process(request, second);

    expect(miss).toEqual({
      operation: 'sentiment',
      result: { sentiment: 'positive', confidence: expect.any(Number) },
      cached: false,
      processingTimeMs: expect.any(Number),
    });
    expect(first.headers).toEqual({ 'X-Cache': 'MISS' });
    expect(hit).toEqual({ ...miss, cached: true, processingTimeMs: expect.any(Number) });
    expect(second.headers).toEqual({ 'X-Cache': 'HIT' });
  });

  it('turns a model failure into a 502 carrying its message', async () => {
    const controller = await controllerWith(new FailingLlmClient(new LlmUpstreamError('LLM server answered 500: boom', 500)));

    const failure = await controller
      .process({ operation: 'summarize', text: 'x' }, new RecordingResponse())
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

    await expect(controller.process({ operation: 'summarize', text: 'x' }, new RecordingResponse())).rejects.toBe(bug);
  });

  it('lists the operations', async () => {
    const controller = await controllerWith(new FakeLlmClient(0));
    expect(controller.operations()).toEqual({ operations: OPERATION_DESCRIPTIONS });
  });
});
