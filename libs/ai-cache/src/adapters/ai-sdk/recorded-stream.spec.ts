import { isCompleteRecording, isRecordingHead, type RecordedStreamItem, replayParts } from './recorded-stream';

const head = { result: { response: { headers: {} } } };
const finish = { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: {} };

describe('recorded AI SDK streams', () => {
  it('tells the head from a part', () => {
    expect(isRecordingHead(head)).toBe(true);
    expect(isRecordingHead({ result: 1, type: 'text-delta' })).toBe(false);
    expect(isRecordingHead([head])).toBe(false);
  });

  it('calls a recording complete only with a head, a finish that is not an error, and no error part', () => {
    expect(isCompleteRecording([head, { type: 'text-delta', id: '1', delta: 'a' }, finish])).toBe(true);
    expect(isCompleteRecording([head, { type: 'text-delta', id: '1', delta: 'a' }])).toBe(false);
    expect(isCompleteRecording([head, { type: 'error', error: 'x' }, finish])).toBe(false);
    expect(isCompleteRecording([head, { ...finish, finishReason: { unified: 'error', raw: 'boom' } }])).toBe(false);
    expect(isCompleteRecording([finish])).toBe(false);
    expect(isCompleteRecording([{ type: 'text-delta' }, finish])).toBe(false);
  });

  it('replays parts as a ReadableStream, reviving them, and leaves the recording when cancelled', async () => {
    let returned = 0;
    const items: RecordedStreamItem[] = [{ type: 'response-metadata', timestamp: { $aiCache: 'Date', time: 0 } } as never, finish as never];
    let index = 0;
    const iterator: AsyncIterator<RecordedStreamItem> = {
      next: async () => (index < items.length ? { done: false, value: items[index++] } : { done: true, value: undefined }),
      return: async () => {
        returned++;
        return { done: true, value: undefined };
      },
    };
    const reader = replayParts(iterator).getReader();
    expect(await reader.read()).toEqual({ done: false, value: { type: 'response-metadata', timestamp: new Date(0) } });
    await reader.cancel();
    expect(returned).toBe(1);
  });
});
