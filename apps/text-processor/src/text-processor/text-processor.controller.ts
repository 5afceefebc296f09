import { BadGatewayException, Body, Controller, Get, HttpCode, HttpStatus, Logger, Post, UseInterceptors } from '@nestjs/common';
import { AICacheContextInterceptor } from '@app/ai-cache';
import type { TextRequest } from '../llm/llm-client.interface';
import { LlmUpstreamError } from '../llm/llm-upstream.error';
import { OPERATION_DESCRIPTIONS, type OperationDescription, type TextOperation } from '../operations/text-operation';
import { ProcessRequestPipe } from './process-request.pipe';
import { TextProcessorService } from './text-processor.service';

export interface ProcessResponse {
  operation: TextOperation;
  result: unknown;
  /** True when the model was not called for this request. */
  cached: boolean;
  processingTimeMs: number;
}

@Controller()
export class TextProcessorController {
  private readonly logger = new Logger(TextProcessorController.name);

  constructor(private readonly textProcessor: TextProcessorService) {}

  /**
   * 200 rather than POST's default 201: nothing is created, a computation is returned.
   * The interceptor maps `Cache-Control: no-cache | no-store` and `X-Tenant` onto the cache context
   * of this request and answers `X-Cache: HIT | MISS`.
   */
  @Post('process')
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(AICacheContextInterceptor)
  async process(@Body(ProcessRequestPipe) request: TextRequest): Promise<ProcessResponse> {
    try {
      const outcome = await this.textProcessor.process(request);
      return {
        operation: outcome.operation,
        result: outcome.result,
        cached: outcome.cached,
        processingTimeMs: outcome.processingTimeMs,
      };
    } catch (error) {
      if (error instanceof LlmUpstreamError) {
        // Nest does not log HTTP exceptions; an unhealthy model is worth a line in the logs.
        this.logger.warn(`${request.operation}: ${error.message}`);
        throw new BadGatewayException(error.message, { cause: error });
      }
      throw error;
    }
  }

  @Get('operations')
  operations(): { operations: readonly OperationDescription[] } {
    return { operations: OPERATION_DESCRIPTIONS };
  }
}
