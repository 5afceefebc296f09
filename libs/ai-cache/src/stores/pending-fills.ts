/** A read in flight from Redis: it must not copy its answer into L1 if the key changed meanwhile. */
export interface PendingFill {
  stale: boolean;
}

/**
 * The reads from Redis that are on their way to filling L1, per key. A change reported while a read
 * is in flight (a write here, an invalidation from Redis) spoils it: its answer may predate the
 * change, and copied into L1 it would outlive the invalidation that was meant to remove it.
 */
export class PendingFills {
  private readonly byKey = new Map<string, Set<PendingFill>>();

  begin(key: string): PendingFill {
    const fill: PendingFill = { stale: false };
    let pending = this.byKey.get(key);
    if (!pending) this.byKey.set(key, (pending = new Set()));
    pending.add(fill);
    return fill;
  }

  end(key: string, fill: PendingFill): void {
    const pending = this.byKey.get(key);
    pending?.delete(fill);
    if (pending?.size === 0) this.byKey.delete(key);
  }

  spoil(key: string): void {
    const pending = this.byKey.get(key);
    if (pending) for (const fill of pending) fill.stale = true;
  }

  spoilMatching(matches: (key: string) => boolean): void {
    for (const [key, pending] of this.byKey) {
      if (matches(key)) for (const fill of pending) fill.stale = true;
    }
  }
}
