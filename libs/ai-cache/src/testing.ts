/**
 * nestjs-ai-cache/testing: what a store of your own is tested with. The conformance suite runs
 * under jest or vitest (it uses their `describe` / `it` / `expect` globals); nothing here is
 * loaded by the main entry.
 *
 * ```ts
 * import { describeCacheStoreConformance, testStoreContext } from 'nestjs-ai-cache/testing';
 * ```
 */
export {
  describeCacheStoreConformance,
  type CacheStoreConformanceOptions,
  type ConformanceStoreContext,
} from './testing/cache-store.conformance';
export { testEntry, type TestEntryOptions } from './testing/test-entry';
export { testStoreContext, type ObservedStoreEvents } from './testing/test-store.context';
