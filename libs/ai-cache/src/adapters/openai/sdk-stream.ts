import type { Stream } from 'openai/streaming';

type StreamConstructor = typeof import('openai/streaming').Stream;

/**
 * Hands a cached (or recording) sequence of chunks back as the SDK's own `Stream`, so that callers
 * keep `for await`, `toReadableStream()`, `tee()` and `controller.abort()`.
 *
 * The first chunk is read before the promise resolves, as the SDK's `create` rejects before any
 * chunk on an HTTP error: `await create({ stream: true })` still throws a 429 or a 500 at the
 * await, not later inside the loop. Aborting the returned stream's controller stops this reader;
 * the shared upstream stops when its last reader is gone.
 */
export async function replayAsSdkStream<T>(chunks: AsyncIterable<T>, StreamClass: StreamConstructor): Promise<Stream<T>> {
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  const controller = new AbortController();
  const leave = () => void source.return?.();
  controller.signal.addEventListener('abort', leave, { once: true });
  let consumed = false;

  async function* iterate(): AsyncGenerator<T> {
    if (consumed) throw new Error('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    try {
      if (first.done) return;
      yield first.value;
      while (!controller.signal.aborted) {
        const step = await source.next();
        if (step.done || controller.signal.aborted) return;
        yield step.value;
      }
    } finally {
      controller.signal.removeEventListener('abort', leave);
      leave();
    }
  }
  return new StreamClass<T>(iterate, controller);
}
