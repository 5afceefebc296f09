import { Stream } from 'openai/streaming';
import { replayAsSdkStream } from './sdk-stream';
import { collect } from '../../streams/streams.spec-support';

/** A source that records what its reader did. */
function source(items: number[], failFirst = false) {
  const log = { returned: 0, read: 0 };
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (failFirst) throw new Error('429 Too Many Requests');
        return log.read < items.length ? { done: false, value: items[log.read++] } : { done: true, value: undefined };
      },
      return: async () => {
        log.returned++;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, log };
}

describe('replayAsSdkStream', () => {
  it('hands the items back as an SDK Stream, read once, its source released at the end', async () => {
    const { iterable, log } = source([1, 2, 3]);
    const stream = await replayAsSdkStream(iterable, Stream);
    expect(stream).toBeInstanceOf(Stream);
    expect(log.read).toBe(1); // the first item was read before the promise resolved
    expect(await collect(stream)).toEqual([1, 2, 3]);
    expect(log.returned).toBeGreaterThanOrEqual(1);
    await expect(collect(stream)).rejects.toThrow('Cannot iterate over a consumed stream');
  });

  it('rejects at the await when the first item fails, as the SDK rejects on an HTTP error', async () => {
    await expect(replayAsSdkStream(source([1], true).iterable, Stream)).rejects.toThrow('429 Too Many Requests');
  });

  it('stops reading and releases its source when its controller is aborted', async () => {
    const { iterable, log } = source([1, 2, 3, 4]);
    const stream = await replayAsSdkStream(iterable, Stream);
    const seen: number[] = [];
    for await (const item of stream) {
      seen.push(item);
      stream.controller.abort();
    }
    expect(seen).toEqual([1]);
    expect(log.returned).toBeGreaterThanOrEqual(1);
    expect(log.read).toBe(1);
  });

  it('supports tee(), as an SDK stream does', async () => {
    const [left, right] = (await replayAsSdkStream(source([1, 2]).iterable, Stream)).tee();
    expect(await collect(left)).toEqual([1, 2]);
    expect(await collect(right)).toEqual([1, 2]);
  });
});
