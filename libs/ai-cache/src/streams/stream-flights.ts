import type { RecordingHooks, StreamRecording } from './stream-recording';

/**
 * Single-flight for streams: identical concurrent stream calls share one upstream recording
 * (the stream counterpart of AsyncCoalescer). A flight is forgotten once it settles, so a failed
 * or abandoned stream never affects the calls that come after it.
 */
export class StreamFlights {
  private readonly flights = new Map<string, StreamRecording<unknown>>();

  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * The running recording for `key`, or a new one from `start` (which may throw: nothing is
   * registered then). `joined` tells which.
   */
  join<T>(key: string, start: (hooks: Pick<RecordingHooks, 'onSettled'>) => StreamRecording<T>): { recording: StreamRecording<T>; joined: boolean } {
    const running = this.flights.get(key) as StreamRecording<T> | undefined;
    if (running?.joinable) return { recording: running, joined: true };

    let recording: StreamRecording<T> | undefined;
    const onSettled = () => {
      if (recording !== undefined && this.flights.get(key) === recording) this.flights.delete(key);
    };
    recording = start({ onSettled });
    // An upstream that failed synchronously (inside start) settled before it could be registered.
    if (recording.joinable) this.flights.set(key, recording as StreamRecording<unknown>);
    return { recording, joined: false };
  }
}
