/**
 * Single-flight: concurrent calls that share a key share one execution of `fn`. This is what lets
 * `getOrCompute` call the model once for a burst of identical requests (a cache stampede otherwise
 * pays for the same completion once per caller).
 *
 * The flight is forgotten as soon as it settles, so a rejection reaches the callers that were
 * waiting on it and never the ones that come after: a transient failure is retried, not cached.
 */
export class AsyncCoalescer {
  private readonly flights = new Map<string, Promise<unknown>>();

  /** Number of keys with a call under way. */
  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * Runs `fn`, unless a call for `key` is already under way, in which case its outcome is shared.
   *
   * @param onJoin called (synchronously, before `run` returns) when this call joined an existing
   *   flight instead of starting one, so that callers can count coalesced waits. It must not throw.
   */
  run<T>(key: string, fn: () => Promise<T>, onJoin?: () => void): Promise<T> {
    const existing = this.flights.get(key) as Promise<T> | undefined;
    if (existing !== undefined) {
      onJoin?.();
      return existing;
    }

    let started: Promise<T>;
    try {
      started = Promise.resolve(fn());
    } catch (error) {
      // A synchronous throw is delivered like a rejection: callers only ever handle one failure path.
      started = Promise.reject(error);
    }
    const flight = started.finally(() => {
      // If fn re-entered run() for this same key synchronously, that inner flight was registered
      // before ours and overwritten by it: each flight removes only its own entry.
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }
}
