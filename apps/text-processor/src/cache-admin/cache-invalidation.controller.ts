import { BadRequestException, Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { AIResponseCacheService } from '@app/ai-cache';
import { OperatorAccess } from './operator-access.guard';
import { validateInvalidateRequest } from './invalidate-request.validator';

export interface InvalidateResponse {
  /** Distinct entries removed (an entry in L1 and Redis counts once). */
  invalidated: number;
  operation?: string;
  pattern?: string;
}

/** The admin key in `x-api-key` required; disabled (403) while none is set. */
@Controller('cache')
@OperatorAccess('admin')
export class CacheInvalidationController {
  constructor(private readonly cache: AIResponseCacheService) {}

  /**
   * `{ "operation": "summarize" }` removes exactly that operation's entries; `{ "pattern": "…" }` the
   * keys of this namespace containing the pattern (globs honoured, across operations). 200, not
   * 201: nothing is created.
   */
  @Post('invalidate')
  @HttpCode(HttpStatus.OK)
  async invalidate(@Body() body: unknown): Promise<InvalidateResponse> {
    const validation = validateInvalidateRequest(body);
    if (!validation.ok) throw new BadRequestException(validation.message);
    const { request } = validation;
    const context = request.context ?? 'admin_api';
    try {
      if ('operation' in request) {
        return { invalidated: await this.cache.invalidateByOperation(request.operation, context), operation: request.operation };
      }
      return { invalidated: await this.cache.invalidatePattern(request.pattern, context), pattern: request.pattern };
    } catch (error) {
      // The library rejects a malformed operation name with a TypeError that says what is allowed.
      if (error instanceof TypeError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
