import { CacheOptionsError } from '../../libs/ai-cache/src/cache-options.error';

/** The CacheOptionsError `run` throws (any other error is rethrown; not throwing fails the test). */
export function optionsErrorOf(run: () => unknown): CacheOptionsError {
  try {
    run();
  } catch (error) {
    if (error instanceof CacheOptionsError) return error;
    throw error;
  }
  throw new Error('expected a CacheOptionsError');
}
