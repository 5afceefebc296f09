import { BadRequestException } from '@nestjs/common';
import type { AIResponseCacheService } from '@app/ai-cache';
import { CacheInvalidationController } from './cache-invalidation.controller';

function controllerWith(cache: Partial<AIResponseCacheService>) {
  return new CacheInvalidationController(cache as AIResponseCacheService);
}

describe('CacheInvalidationController', () => {
  it('invalidates by operation or by pattern, passing the context (admin_api by default)', async () => {
    const invalidateByOperation = jest.fn(async () => 3);
    const invalidatePattern = jest.fn(async () => 5);
    const controller = controllerWith({ invalidateByOperation, invalidatePattern });
    expect(await controller.invalidate({ operation: 'summarize' })).toEqual({ invalidated: 3, operation: 'summarize' });
    expect(invalidateByOperation).toHaveBeenCalledWith('summarize', 'admin_api');
    expect(await controller.invalidate({ pattern: 'sum', context: 'deploy' })).toEqual({ invalidated: 5, pattern: 'sum' });
    expect(invalidatePattern).toHaveBeenCalledWith('sum', 'deploy');
  });

  it("turns a bad body, and the library's rejection of a malformed operation, into 400", async () => {
    const controller = controllerWith({
      invalidateByOperation: async () => {
        throw new TypeError('Invalid AI operation "a b"');
      },
    });
    await expect(controller.invalidate({})).rejects.toBeInstanceOf(BadRequestException);
    await expect(controller.invalidate({ operation: 'a b' })).rejects.toThrow(new BadRequestException('Invalid AI operation "a b"'));
  });

  it('lets other failures through (a 500 is the truth there)', async () => {
    const controller = controllerWith({ invalidatePattern: async () => Promise.reject(new Error('store exploded')) });
    await expect(controller.invalidate({ pattern: 'x' })).rejects.toThrow('store exploded');
  });
});
