import { isChatCompletion, isCompleteChatStream } from './chat-completion-shape';

const chunk = (index: number, finish: string | null = null, usage?: object) => ({
  object: 'chat.completion.chunk',
  choices: usage ? [] : [{ index, delta: { content: 'x' }, finish_reason: finish }],
  ...(usage && { usage }),
});

describe('chat completion shapes', () => {
  it('accepts an object with a choices array as a completion, nothing else', () => {
    expect(isChatCompletion({ choices: [] })).toBe(true);
    expect(isChatCompletion('<html>gateway</html>')).toBe(false);
    expect(isChatCompletion({ error: { message: 'x' } })).toBe(false);
    expect(isChatCompletion(null)).toBe(false);
    expect(isChatCompletion([{ choices: [] }])).toBe(false);
  });

  it('calls a stream complete when each of its n choices finished', () => {
    expect(isCompleteChatStream([chunk(0), chunk(0, 'stop')], {})).toBe(true);
    expect(isCompleteChatStream([chunk(0), chunk(0)], {})).toBe(false);
    expect(isCompleteChatStream([], {})).toBe(false);
    expect(isCompleteChatStream([chunk(0, 'stop'), chunk(1)], { n: 2 })).toBe(false);
    expect(isCompleteChatStream([chunk(0, 'length'), chunk(1, 'stop')], { n: 2 })).toBe(true);
    expect(isCompleteChatStream([chunk(0, 'stop'), 'garbage'], {})).toBe(false);
  });

  it('waits for the usage chunk when the call asked for it', () => {
    const finished = [chunk(0), chunk(0, 'stop')];
    expect(isCompleteChatStream(finished, { stream_options: { include_usage: true } })).toBe(false);
    expect(isCompleteChatStream([...finished, chunk(0, null, { total_tokens: 3 })], { stream_options: { include_usage: true } })).toBe(true);
  });
});
