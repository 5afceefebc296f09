// The entry exports what the README documents, and the main entry none of it: the main entry must
// load without this adapter's peer (test/adapter-entries.e2e-spec.ts proves it on the compiled library).
import * as main from './index';
import * as entry from './langchain';

it('nestjs-ai-cache/langchain exports its adapter, which the main entry does not', () => {
  expect(Object.keys(entry).sort()).toEqual(['LangChainAICache']);
  expect(Object.keys(main).filter((name) => name in entry)).toEqual([]);
});
