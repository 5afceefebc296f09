import { Test, type TestingModule } from '@nestjs/testing';
import { CacheModule } from '@app/ai-cache';
import { FakeLlmClient } from '../llm/fake/fake-llm.client';
import { LLM_CLIENT, type LlmClient, type LlmCompletion, type TextRequest } from '../llm/llm-client.interface';
import { LlmUpstreamError } from '../llm/llm-upstream.error';
import type { OperationResults, TextOperation } from '../operations/text-operation';
import { TextProcessorService } from './text-processor.service';

const TEXT = 'Caching saves model calls. A hit is served from memory. Misses call the model.';

/** The fake model, failing its first `failures` calls the way an unreachable server would. */
class FlakyLlmClient implements LlmClient {
  constructor(
    private failures: number,
    private readonly model: LlmClient,
  ) {}

  complete<O extends TextOperation>(request: TextRequest<O>): Promise<LlmCompletion<OperationResults[O]>> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new LlmUpstreamError('LLM server unreachable (ECONNREFUSED)'));
    }
    return this.model.complete(request);
  }
}

describe('TextProcessorService (real cache, memory driver)', () => {
  let moduleRef: TestingModule;
  let service: TextProcessorService;
  let llm: LlmClient;
  let modelCalls: jest.SpyInstance;

  async function start(client: LlmClient): Promise<void> {
    llm = client;
    modelCalls = jest.spyOn(llm, 'complete');
    moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ driver: 'memory' })],
      providers: [TextProcessorService, { provide: LLM_CLIENT, useValue: llm }],
    }).compile();
    await moduleRef.init();
    service = moduleRef.get(TextProcessorService);
  }

  afterEach(async () => {
    await moduleRef?.close();
  });

  describe('with the fake model', () => {
    beforeEach(() => start(new FakeLlmClient(5)));

    it('calls the model on a miss and not on the identical next request, which returns the same result', async () => {
      const miss = await service.process({ operation: 'summarize', text: TEXT });
      const hit = await service.process({ operation: 'summarize', text: TEXT });

      expect(miss.cached).toBe(false);
      expect(hit.cached).toBe(true);
      expect(hit.result).toEqual(miss.result);
      expect(hit.usage).toEqual(miss.usage);
      expect(modelCalls).toHaveBeenCalledTimes(1);
    });

    it('treats different options or questions as different requests, and option order as irrelevant', async () => {
      await service.process({ operation: 'summarize', text: TEXT, options: { max_length: 30, style: 'plain' } });
      const otherOptions = await service.process({ operation: 'summarize', text: TEXT, options: { max_length: 60 } });
      const reordered = await service.process({ operation: 'summarize', text: TEXT, options: { style: 'plain', max_length: 30 } });
      await service.process({ operation: 'qa', text: TEXT, question: 'What is served from memory?' });
      const otherQuestion = await service.process({ operation: 'qa', text: TEXT, question: 'What do misses call?' });

      expect(otherOptions.cached).toBe(false);
      expect(reordered.cached).toBe(true);
      expect(otherQuestion.cached).toBe(false);
      expect(otherQuestion.result).toBe('Misses call the model.');
      expect(modelCalls).toHaveBeenCalledTimes(4);
    });

    it('asks the model with exactly the operation names the library keys its TTLs by', async () => {
      await service.summarize(TEXT);
      await service.sentiment(TEXT);
      await service.keyPoints(TEXT);
      await service.questions(TEXT);
      await service.qa(TEXT, undefined, 'What is a hit?');

      expect(modelCalls.mock.calls.map(([request]) => request)).toEqual([
        { operation: 'summarize', text: TEXT },
        { operation: 'sentiment', text: TEXT },
        { operation: 'key_points', text: TEXT },
        { operation: 'questions', text: TEXT },
        { operation: 'qa', text: TEXT, question: 'What is a hit?' },
      ]);
    });

    it('shares the cache between the operation methods and process()', async () => {
      const direct = await service.keyPoints(TEXT, { max_points: 2 });
      const viaProcess = await service.process({ operation: 'key_points', text: TEXT, options: { max_points: 2 } });

      expect(viaProcess).toMatchObject({ cached: true, result: direct.result });
      expect(modelCalls).toHaveBeenCalledTimes(1);
    });

    it('runs the model once for concurrent identical requests, and says which request ran it', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => service.process({ operation: 'sentiment', text: 'Great and reliable.' })),
      );

      expect(modelCalls).toHaveBeenCalledTimes(1);
      expect(outcomes.filter((outcome) => !outcome.cached)).toHaveLength(1);
      expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome.result))).size).toBe(1);
    });

    it('reports a non-negative processing time', async () => {
      const outcome = await service.process({ operation: 'questions', text: TEXT });
      expect(outcome.processingTimeMs).toBeGreaterThanOrEqual(0);
      expect(outcome.operation).toBe('questions');
    });
  });

  it('passes model failures through and does not cache them: the next request asks the model again', async () => {
    await start(new FlakyLlmClient(1, new FakeLlmClient(0)));

    await expect(service.process({ operation: 'summarize', text: TEXT })).rejects.toBeInstanceOf(LlmUpstreamError);
    const retry = await service.process({ operation: 'summarize', text: TEXT });

    expect(retry.cached).toBe(false);
    expect(modelCalls).toHaveBeenCalledTimes(2);
  });
});
