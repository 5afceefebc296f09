import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CACHED_AI_RESPONSE_METADATA, type CachedAIResponseMetadata } from './cached-ai-response.decorator';

/** Reads what `@CachedAIResponse()` stored on a method (as @nestjs/schedule's SchedulerMetadataAccessor does). */
@Injectable()
export class CachedAIResponseMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getMetadata(method: unknown): CachedAIResponseMetadata | undefined {
    if (typeof method !== 'function') return undefined;
    return this.reflector.get<CachedAIResponseMetadata | undefined>(CACHED_AI_RESPONSE_METADATA, method);
  }
}
