import type { Subscribable } from 'rxjs';

/** Reads a recording (or a cached sequence) item by item; `release()` when done or abandoned. */
export interface StreamCursor<T> {
  next(): Promise<IteratorResult<T, undefined>>;
  /** Idempotent. The last cursor released from a running recording stops the upstream. */
  release(): void;
}

export interface RecordingHooks {
  /**
   * Runs once, after the upstream completed and before any consumer sees the completion, with a
   * snapshot of every item: the cache write, so that a consumer that finished reading can count on
   * the next identical call being a hit.
   */
  onComplete(snapshots: unknown[]): Promise<void>;
  /** Runs once, when the recording completes, fails or is cancelled: the flight is over. */
  onSettled(): void;
}

type State = 'open' | 'completing' | 'complete' | 'error' | 'cancelled';

/**
 * One upstream stream (an Observable, or an AsyncIterable such as LLM tokens) shared by every
 * identical concurrent call: each consumer gets everything emitted so far, then what comes next,
 * like `shareReplay` with a reference count. Items are delivered as emitted (the same objects to
 * every consumer, as rxjs `share()` does) and snapshotted on arrival for the cache, so that a
 * consumer mutating an item never changes what is stored.
 *
 * An AsyncIterable upstream is pulled on demand, at the pace of the fastest consumer: it is
 * "recorded while the caller consumes it". When the last consumer leaves before the end, the
 * upstream is stopped (unsubscribe / `return()`) and nothing is stored: an unfinished stream is
 * not an answer.
 */
export class StreamRecording<T> {
  private readonly items: T[] = [];
  private readonly snapshots: unknown[] = [];
  private state: State = 'open';
  private failure: unknown;
  private consumers = 0;
  private readonly listeners = new Set<() => void>();
  private stopUpstream: () => void = () => undefined;
  private pullUpstream: () => void = () => undefined;

  private constructor(private readonly hooks: RecordingHooks) {}

  /**
   * Subscribes to `source` (an rxjs Observable, or anything with its `subscribe`) now; the items it
   * emits synchronously are recorded for the first consumer.
   */
  static fromObservable<T>(source: Subscribable<T>, hooks: RecordingHooks): StreamRecording<T> {
    const recording = new StreamRecording<T>(hooks);
    const subscription = source.subscribe({
      next: (item) => recording.push(item),
      error: (error: unknown) => recording.fail(error),
      complete: () => recording.finish(),
    });
    recording.stopUpstream = () => subscription.unsubscribe();
    return recording;
  }

  /** Opens `source`'s iterator now; items are pulled only when a consumer asks for one. */
  static fromAsyncIterable<T>(source: AsyncIterable<T>, hooks: RecordingHooks): StreamRecording<T> {
    const recording = new StreamRecording<T>(hooks);
    const iterator = source[Symbol.asyncIterator]();
    let pulling = false;
    recording.pullUpstream = () => {
      if (pulling || recording.state !== 'open') return;
      pulling = true;
      let step: Promise<IteratorResult<T>>;
      try {
        step = Promise.resolve(iterator.next());
      } catch (error) {
        step = Promise.reject(error);
      }
      step.then(
        (result) => {
          pulling = false;
          if (result.done) recording.finish();
          else recording.push(result.value);
        },
        (error: unknown) => {
          pulling = false;
          recording.fail(error);
        },
      );
    };
    recording.stopUpstream = () => {
      try {
        // An async generator suspended in `await` queues this until its pending step settles.
        Promise.resolve(iterator.return?.()).catch(() => undefined);
      } catch {
        // A broken return() must not break the consumer that is leaving.
      }
    };
    return recording;
  }

  /** False once the recording failed or was cancelled: nobody may join it any more. */
  get joinable(): boolean {
    return this.state === 'open' || this.state === 'completing';
  }

  /** A new consumer, starting from the first item. Counted until released. */
  cursor(): StreamCursor<T> {
    this.consumers++;
    let index = 0;
    let released = false;
    return {
      next: async () => {
        for (;;) {
          if (released) return { done: true, value: undefined };
          if (index < this.items.length) return { done: false, value: this.items[index++] };
          if (this.state === 'complete' || this.state === 'cancelled') return { done: true, value: undefined };
          if (this.state === 'error') throw this.failure;
          await this.changed();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        this.consumers--;
        if (this.consumers === 0 && this.state === 'open') this.cancel();
      },
    };
  }

  private changed(): Promise<void> {
    const next = new Promise<void>((resolve) => {
      const listener = () => {
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
    this.pullUpstream();
    return next;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private push(item: T): void {
    if (this.state !== 'open') return;
    this.items.push(item);
    this.snapshots.push(snapshotOf(item));
    this.notify();
  }

  private finish(): void {
    if (this.state !== 'open') return;
    this.state = 'completing';
    void this.hooks
      .onComplete(this.snapshots)
      .catch(() => undefined) // the hook reports its own failures; consumers still get their stream
      .finally(() => {
        this.state = 'complete';
        this.hooks.onSettled();
        this.notify();
      });
  }

  private fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'error';
    this.failure = error;
    this.hooks.onSettled();
    this.notify();
  }

  private cancel(): void {
    this.state = 'cancelled';
    this.stopUpstream();
    this.hooks.onSettled();
    this.notify();
  }
}

/** A cursor over a cached sequence (a hit). */
export function arrayCursor<T>(items: readonly T[]): StreamCursor<T> {
  let index = 0;
  let released = false;
  return {
    next: async () =>
      !released && index < items.length ? { done: false, value: items[index++] } : { done: true, value: undefined },
    release: () => {
      released = true;
    },
  };
}

function snapshotOf(item: unknown): unknown {
  try {
    return structuredClone(item);
  } catch {
    return item; // Not cloneable (a function inside): not cacheable either; the write will say so.
  }
}
