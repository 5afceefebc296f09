// The entry exports the conformance suite and its helpers, and the main entry none of them: a
// test helper is not part of the runtime API (and must never load with it).
import * as main from './index';
import * as entry from './testing';

it('nestjs-ai-cache/testing exports the store conformance suite and its helpers, which the main entry does not', () => {
  expect(Object.keys(entry).sort()).toEqual(['describeCacheStoreConformance', 'testEntry', 'testStoreContext']);
  expect(Object.keys(main).filter((name) => name in entry)).toEqual([]);
});
