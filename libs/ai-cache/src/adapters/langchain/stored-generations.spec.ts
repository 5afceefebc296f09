import { AIMessage, HumanMessage } from '@langchain/core/messages';
import type { ChatGeneration } from '@langchain/core/outputs';
import { fromCachedGenerations, toCachedGenerations } from './stored-generations';

describe('cached LangChain generations', () => {
  it('keeps the text, the message as LangChain stores it, and the generationInfo, as JSON', () => {
    const generations: ChatGeneration[] = [
      { text: 'a', message: new AIMessage({ content: 'a', tool_calls: [{ id: 't1', name: 'f', args: { x: 1 }, type: 'tool_call' }] }), generationInfo: { finish_reason: 'tool_calls' } },
    ];
    const stored = JSON.parse(JSON.stringify(toCachedGenerations(generations)));
    expect(stored).toEqual([
      {
        text: 'a',
        message: { type: 'ai', data: expect.objectContaining({ content: 'a', tool_calls: [{ id: 't1', name: 'f', args: { x: 1 }, type: 'tool_call' }] }) },
        generationInfo: { finish_reason: 'tool_calls' },
      },
    ]);
    const [back] = fromCachedGenerations(stored) as ChatGeneration[];
    expect(back.message).toBeInstanceOf(AIMessage);
    expect(back.message.toDict()).toEqual(generations[0].message.toDict());
    expect(back.generationInfo).toEqual({ finish_reason: 'tool_calls' });
  });

  it('keeps plain (LLM) generations and other message types', () => {
    expect(fromCachedGenerations(toCachedGenerations([{ text: 'plain' }]))).toEqual([{ text: 'plain' }]);
    const [human] = fromCachedGenerations(toCachedGenerations([{ text: 'h', message: new HumanMessage('h') } as ChatGeneration])) as ChatGeneration[];
    expect(human.message).toBeInstanceOf(HumanMessage);
  });

  it('reads anything it did not write as a miss', () => {
    for (const foreign of [undefined, 'text', [], [{}], [{ text: 1 }], [{ text: 't', message: 'x' }], [{ text: 't', generationInfo: 'x' }], [{ text: 't', message: { type: 'martian', data: {} } }]]) {
      expect(fromCachedGenerations(foreign)).toBeUndefined();
    }
  });
});
