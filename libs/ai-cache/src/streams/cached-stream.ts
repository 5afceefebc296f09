import type { Subscribable } from 'rxjs';
import type { CacheCallOptions } from '../calls/cache-call.types';
import type { CacheTier } from '../stores/cache-store.interface';
import { describeType } from '../utils/type-guards';
import type { StreamFlights } from './stream-flights';
import { arrayCursor, type RecordingHooks, type StreamCursor, StreamRecording } from './stream-recording';

/** What a stream call can be recorded from: an AsyncIterable (LLM tokens, SDK stream parts) or an Observable. */
export type StreamSource<T> = AsyncIterable<T> | Subscribable<T>;

/** How a stream call was answered, told once, when it opens (before its first item). */
export interface StreamOutcome {
  /** `hit`: replayed from the cache; `miss`: this call started the upstream; `coalesced`: joined an identical running one. */
  status: 'hit' | 'miss' | 'coalesced';
  /** The tier that answered a hit. */
  tier?: CacheTier;
}

/** `getOrComputeStream` options: those of getOrCompute (`unless` sees the whole array of items), plus two for callers. */
export interface CacheStreamOptions<T> extends CacheCallOptions<T[]> {
  /** Called once per iteration, when the stream opens: whether it replays, records or joins (for `X-Cache` and logs). */
  onOutcome?: (outcome: StreamOutcome) => void;
  /** Names the caller in log lines, e.g. `'Svc.method'` (default: the operation). */
  label?: string;
}

/** What a cached stream needs from the call path: the prepared call's flight, its read phase and its settle. */
export interface CachedStreamPort {
  readonly flights: StreamFlights;
  /** The single-flight key (calls that never write have their own). */
  readonly flightKey: string;
  readonly onOutcome?: (outcome: StreamOutcome) => void;
  /** The entry to replay (forceRefresh drops it, noCache skips it), or undefined on a miss. */
  answer(): Promise<{ value: unknown; tier: CacheTier } | undefined>;
  /** This iteration joined a running recording. */
  joined(): void;
  /** A complete recording: counted, and written unless the call says not to. Never throws. */
  settle(items: unknown[], computeMs: number): Promise<void>;
}

/**
 * The AsyncIterable `getOrComputeStream` returns. Nothing happens until it is iterated; each
 * iteration is one cached call: a hit replays the stored array, a miss records the upstream while
 * it is read (identical concurrent calls share it), and only a complete stream is stored.
 */
export function cachedStream<T>(start: () => StreamSource<T>, port: CachedStreamPort): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new CachedStreamIterator<T>(start, port) };
}

class CachedStreamIterator<T> implements AsyncIterator<T, undefined> {
  private cursor: StreamCursor<T> | undefined;
  private opening: Promise<StreamCursor<T>> | undefined;
  private released = false;

  constructor(
    private readonly start: () => StreamSource<T>,
    private readonly port: CachedStreamPort,
  ) {}

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.released) return { done: true, value: undefined };
    const cursor = this.cursor ?? (await (this.opening ??= this.open()));
    try {
      const step = await cursor.next();
      if (step.done) this.release();
      return step;
    } catch (error) {
      this.release();
      throw error;
    }
  }

  /** Synchronous on purpose: the last reader leaving must stop the upstream at once (an unsubscribe does). */
  return(): Promise<IteratorResult<T, undefined>> {
    this.release();
    return Promise.resolve({ done: true, value: undefined });
  }

  private release(): void {
    this.released = true;
    this.cursor?.release();
  }

  private async open(): Promise<StreamCursor<T>> {
    const { port } = this;
    const found = await port.answer();
    // Anything but an array under this key is not a recorded stream: a miss, replaced on completion.
    if (found && Array.isArray(found.value)) {
      port.onOutcome?.({ status: 'hit', tier: found.tier });
      return this.adopt(arrayCursor(found.value as T[]));
    }
    // Left while the lookup ran: never start an upstream nobody will read.
    if (this.released) return arrayCursor([]);

    const { recording, joined } = port.flights.join(port.flightKey, ({ onSettled }) => this.record(onSettled));
    if (joined) port.joined();
    port.onOutcome?.({ status: joined ? 'coalesced' : 'miss' });
    return this.adopt(recording.cursor());
  }

  private adopt(cursor: StreamCursor<T>): StreamCursor<T> {
    this.cursor = cursor;
    if (this.released) cursor.release(); // left while the cursor was being opened
    return cursor;
  }

  private record(onSettled: () => void): StreamRecording<T> {
    const started = performance.now();
    const hooks: RecordingHooks = { onSettled, onComplete: (snapshots) => this.port.settle(snapshots, performance.now() - started) };
    const source = this.start();
    // Subscribable first: an Observable that is also async-iterable (rxjs 8) keeps its push semantics.
    if (isSubscribable(source)) return StreamRecording.fromObservable(source, hooks);
    if (isAsyncIterable(source)) return StreamRecording.fromAsyncIterable(source, hooks);
    throw new TypeError(`getOrComputeStream: start() must return an AsyncIterable or an Observable, got ${describeType(source)}`);
  }
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

function isSubscribable<T>(value: unknown): value is Subscribable<T> {
  return typeof (value as { subscribe?: unknown } | null)?.subscribe === 'function';
}
