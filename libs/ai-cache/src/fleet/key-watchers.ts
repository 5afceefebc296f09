/**
 * Who waits for which key: the fleet's waiters register here, and the store's change feed (Redis's
 * tracking reports) calls `notify` with the keys that changed. A waiter is called for its own key
 * only, so a burst of unrelated writes costs a map lookup each.
 */
export class KeyWatchers {
  private readonly byKey = new Map<string, Set<() => void>>();

  get size(): number {
    return this.byKey.size;
  }

  /** Calls `onChange` on every change of `key` (relative key) until the returned function is called. */
  watch(key: string, onChange: () => void): () => void {
    let listeners = this.byKey.get(key);
    if (!listeners) this.byKey.set(key, (listeners = new Set()));
    listeners.add(onChange);
    return () => {
      listeners.delete(onChange);
      if (listeners.size === 0 && this.byKey.get(key) === listeners) this.byKey.delete(key);
    };
  }

  notify(keys: Iterable<string>): void {
    for (const key of keys) {
      const listeners = this.byKey.get(key);
      if (listeners) for (const listener of [...listeners]) call(listener);
    }
  }

  /** Everything may have changed (a flush, or the feed reconnected and may have missed reports). */
  notifyAll(): void {
    for (const listeners of [...this.byKey.values()]) for (const listener of [...listeners]) call(listener);
  }
}

function call(listener: () => void): void {
  try {
    listener();
  } catch {
    // A waiter's failure is its own; the feed goes on for the others.
  }
}
