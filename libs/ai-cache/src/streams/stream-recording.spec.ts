import { Subject } from 'rxjs';
import { arrayCursor, type StreamCursor, StreamRecording } from './stream-recording';

function hooks() {
  const calls = { stored: [] as unknown[][], settled: 0 };
  let finishWrite: () => void = () => undefined;
  let holdWrites = false;
  return {
    calls,
    hold() {
      holdWrites = true;
    },
    release() {
      finishWrite();
    },
    hooks: {
      onComplete: (snapshots: unknown[]) => {
        calls.stored.push(snapshots);
        return holdWrites ? new Promise<void>((resolve) => (finishWrite = resolve)) : Promise.resolve();
      },
      onSettled: () => {
        calls.settled++;
      },
    },
  };
}

async function drain<T>(cursor: StreamCursor<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const step = await cursor.next();
    if (step.done) return items;
    items.push(step.value);
  }
}

/** An async iterable the test feeds by hand, recording how many items were pulled. */
function manualIterable<T>() {
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  const state = { pulls: 0, returned: false };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        state.pulls++;
        return new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve));
      },
      return: async () => {
        state.returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return {
    iterable,
    state,
    emit: (value: T) => waiting.shift()!({ done: false, value }),
    end: () => waiting.shift()!({ done: true, value: undefined }),
    pending: () => waiting.length,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamRecording from an Observable', () => {
  it('replays to a consumer everything emitted before it attached, then the rest, and stores on completion', async () => {
    const source = new Subject<string>();
    const h = hooks();
    const recording = StreamRecording.fromObservable(source, h.hooks);
    source.next('a');
    const cursor = recording.cursor();
    const read = drain(cursor);
    source.next('b');
    source.complete();
    expect(await read).toEqual(['a', 'b']);
    expect(h.calls.stored).toEqual([['a', 'b']]);
    expect(h.calls.settled).toBe(1);
  });

  it('lets consumers see the completion only once the write finished', async () => {
    const source = new Subject<number>();
    const h = hooks();
    h.hold();
    const recording = StreamRecording.fromObservable(source, h.hooks);
    const cursor = recording.cursor();
    let done = false;
    const read = drain(cursor).then((items) => {
      done = true;
      return items;
    });
    source.next(1);
    source.complete();
    await tick();
    expect(done).toBe(false);
    expect(recording.joinable).toBe(true);
    h.release();
    expect(await read).toEqual([1]);
  });

  it('passes an error to the consumers after the items before it, and stores nothing', async () => {
    const source = new Subject<string>();
    const h = hooks();
    const recording = StreamRecording.fromObservable(source, h.hooks);
    const cursor = recording.cursor();
    source.next('a');
    source.error(new Error('boom'));
    expect(await cursor.next()).toEqual({ done: false, value: 'a' });
    await expect(cursor.next()).rejects.toThrow('boom');
    expect(h.calls.stored).toEqual([]);
    expect(h.calls.settled).toBe(1);
    expect(recording.joinable).toBe(false);
  });

  it('unsubscribes the upstream when the last consumer leaves early, and stores nothing', async () => {
    const source = new Subject<string>();
    const h = hooks();
    const recording = StreamRecording.fromObservable(source, h.hooks);
    const first = recording.cursor();
    const second = recording.cursor();
    source.next('a');
    first.release();
    expect(source.observed).toBe(true);
    second.release();
    expect(source.observed).toBe(false);
    expect(recording.joinable).toBe(false);
    expect(h.calls.stored).toEqual([]);
    expect(h.calls.settled).toBe(1);
    second.release(); // idempotent
    expect(h.calls.settled).toBe(1);
  });

  it('snapshots items on arrival: a consumer mutating one does not change what is stored', async () => {
    const source = new Subject<{ n: number }>();
    const h = hooks();
    const recording = StreamRecording.fromObservable(source, h.hooks);
    const cursor = recording.cursor();
    source.next({ n: 1 });
    const step = await cursor.next();
    (step.value as { n: number }).n = 99;
    source.complete();
    await drain(cursor);
    expect(h.calls.stored).toEqual([[{ n: 1 }]]);
  });

  it('records what a synchronous source emitted before any consumer attached', async () => {
    const h = hooks();
    const { of } = await import('rxjs');
    const recording = StreamRecording.fromObservable(of(1, 2, 3), h.hooks);
    expect(await drain(recording.cursor())).toEqual([1, 2, 3]);
  });
});

describe('StreamRecording from an AsyncIterable', () => {
  it('pulls only when a consumer asks, at the pace of the fastest consumer', async () => {
    const source = manualIterable<string>();
    const h = hooks();
    const recording = StreamRecording.fromAsyncIterable(source.iterable, h.hooks);
    expect(source.state.pulls).toBe(0);
    const fast = recording.cursor();
    const slow = recording.cursor();
    const firstFast = fast.next();
    await tick();
    expect(source.state.pulls).toBe(1);
    source.emit('a');
    expect(await firstFast).toEqual({ done: false, value: 'a' });
    const secondFast = fast.next();
    await tick();
    expect(source.state.pulls).toBe(2);
    source.emit('b');
    expect(await secondFast).toEqual({ done: false, value: 'b' });
    // The slow consumer reads from the recording: no extra pull.
    expect(await slow.next()).toEqual({ done: false, value: 'a' });
    expect(await slow.next()).toEqual({ done: false, value: 'b' });
    expect(source.state.pulls).toBe(2);
    const end = Promise.all([drain(fast), drain(slow)]);
    await tick();
    source.end();
    expect(await end).toEqual([[], []]);
    expect(h.calls.stored).toEqual([['a', 'b']]);
  });

  it('never has two pulls under way at once', async () => {
    const source = manualIterable<number>();
    const recording = StreamRecording.fromAsyncIterable(source.iterable, hooks().hooks);
    const a = recording.cursor().next();
    const b = recording.cursor().next();
    await tick();
    expect(source.pending()).toBe(1);
    source.emit(7);
    expect(await Promise.all([a, b])).toEqual([
      { done: false, value: 7 },
      { done: false, value: 7 },
    ]);
  });

  it('calls return() on the upstream when the last consumer leaves early, and stores nothing', async () => {
    const source = manualIterable<number>();
    const h = hooks();
    const recording = StreamRecording.fromAsyncIterable(source.iterable, h.hooks);
    const cursor = recording.cursor();
    const first = cursor.next();
    await tick();
    source.emit(1);
    await first;
    cursor.release();
    await tick();
    expect(source.state.returned).toBe(true);
    expect(h.calls.stored).toEqual([]);
    expect(recording.joinable).toBe(false);
  });

  it('passes an upstream failure to every consumer', async () => {
    const h = hooks();
    const failing: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          throw new Error('reset');
        },
      }),
    };
    const recording = StreamRecording.fromAsyncIterable(failing, h.hooks);
    await expect(recording.cursor().next()).rejects.toThrow('reset');
    await expect(recording.cursor().next()).rejects.toThrow('reset');
    expect(h.calls.stored).toEqual([]);
  });

  it('treats a next() that throws synchronously as a failure', async () => {
    const broken: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw new Error('sync throw');
        },
      }),
    };
    const recording = StreamRecording.fromAsyncIterable(broken, hooks().hooks);
    await expect(recording.cursor().next()).rejects.toThrow('sync throw');
  });
});

describe('arrayCursor', () => {
  it('reads a cached sequence, and nothing after release', async () => {
    expect(await drain(arrayCursor(['x', 'y']))).toEqual(['x', 'y']);
    const cursor = arrayCursor([1, 2]);
    expect(await cursor.next()).toEqual({ done: false, value: 1 });
    cursor.release();
    expect(await cursor.next()).toEqual({ done: true, value: undefined });
  });
});
