import type { FleetCoordination, FleetLease } from './fleet-coordination.interface';
import { keepLeaseAlive } from './lease-renewal';

export interface FleetFlightOptions {
  /** How long a lease lives without renewal (ms): a dead holder is replaced after at most this. */
  leaseMs: number;
  /** Longest a waiter waits for another instance's result (ms) before computing itself. */
  maxWaitMs: number;
  /** Fallback re-check while waiting (ms), for when change reports cannot be relied on. */
  pollMs: number;
  /** How long a failed compute's marker lives (ms). */
  failureMarkerMs: number;
}

/** What a flight reports to the monitor. */
export interface FleetEvents {
  /** This instance waited for another's compute. */
  waited(): void;
  /** This instance took over a key whose holder vanished without a result. */
  tookOver(): void;
  /** This instance's compute failed, and it said so to the fleet. */
  markedFailed(): void;
}

/** How the flight ended: `computed` here (holding the lease, or alone), or `fleet`: another instance's result. */
export interface FleetOutcome<T> {
  value: T;
  source: 'computed' | 'fleet';
}

export interface FleetFlight<T> {
  key: string;
  coordination: FleetCoordination;
  /** The lease when the caller's read already took it (in the same round trip). */
  lease?: FleetLease;
  /** The entry's value when someone has written it (a read of the shared store; may throw). */
  readEntry: () => Promise<T | undefined>;
  /** Computes and writes the entry (resolves once it is written, so waiters woken by the release find it). */
  compute: () => Promise<T>;
  options: FleetFlightOptions;
  events: FleetEvents;
  now?: () => number;
}

/**
 * One model call for the whole fleet while it is in flight: a lease in the shared store decides who
 * computes; the others wait for its result, woken by the store's change reports (their slow poll is
 * only a fallback), and never longer than `maxWaitMs`, after which they compute themselves.
 *
 * - The holder renews its lease every third of `leaseMs` while computing, writes the entry, then
 *   releases the lease (compare-and-delete: only its own). If its process dies, the lease expires
 *   and a waiter takes over within `leaseMs` plus one poll.
 * - A compute that throws is never cached: the holder sets a short failure marker and releases; the
 *   waiters then compete for the next lease, so they retry one at a time, never all at once.
 * - When the store is unavailable (or fails during the flight), this instance computes alone: the
 *   per-process single flight in front of this keeps that to one compute per instance.
 *
 * This saves model calls; it is not a lock: a holder stalled longer than its lease may see another
 * instance compute the same entry.
 */
export async function runFleetFlight<T>(flight: FleetFlight<T>): Promise<FleetOutcome<T>> {
  const { coordination, options } = flight;
  const now = flight.now ?? Date.now;
  if (flight.lease) return holdAndCompute(flight, flight.lease, false);
  if (!coordination.available) return computeAlone(flight);
  const deadline = now() + options.maxWaitMs;
  let waited = false;
  for (;;) {
    let lease: FleetLease | undefined;
    try {
      lease = await coordination.tryAcquire(flight.key, options.leaseMs);
    } catch {
      return computeAlone(flight);
    }
    if (lease) return holdAndCompute(flight, lease, waited);
    if (!waited) {
      waited = true;
      flight.events.waited();
    }
    let found: T | undefined;
    try {
      found = await waitForChange(flight, deadline - now());
    } catch {
      return computeAlone(flight); // the store failed while we waited: nobody can tell us anything now
    }
    if (found !== undefined) return { value: found, source: 'fleet' };
    if (now() >= deadline || !coordination.available) return computeAlone(flight);
  }
}

async function computeAlone<T>(flight: FleetFlight<T>): Promise<FleetOutcome<T>> {
  return { value: await flight.compute(), source: 'computed' };
}

async function holdAndCompute<T>(flight: FleetFlight<T>, lease: FleetLease, waited: boolean): Promise<FleetOutcome<T>> {
  const { coordination, options, key } = flight;
  try {
    if (waited) {
      // The lease was free again: the holder may have written its result just before releasing it.
      const found = await flight.readEntry().catch(() => undefined);
      if (found !== undefined) return { value: found, source: 'fleet' };
      if (!(await coordination.isMarkedFailed(key).catch(() => true))) flight.events.tookOver();
    }
  } catch (error) {
    await lease.release();
    throw error;
  }
  const stopRenewing = keepLeaseAlive(lease, options.leaseMs);
  try {
    return { value: await flight.compute(), source: 'computed' };
  } catch (error) {
    await coordination.markFailed(key, options.failureMarkerMs);
    flight.events.markedFailed();
    throw error;
  } finally {
    stopRenewing();
    await lease.release();
  }
}

/**
 * Waits until the entry, its lease or its failure marker changes (or a poll, or the deadline), then
 * answers the entry if it is there now. The watch is registered BEFORE the entry is re-read, so a
 * result written in between is either seen by the read or reported to the watch.
 */
function waitForChange<T>(flight: FleetFlight<T>, remainingMs: number): Promise<T | undefined> {
  const { coordination, options } = flight;
  return new Promise<T | undefined>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: { value?: T; error?: unknown }) => {
      if (done) return;
      done = true;
      stop();
      clearTimeout(timer);
      if (outcome.error !== undefined) reject(outcome.error);
      else resolve(outcome.value);
    };
    const look = () =>
      flight.readEntry().then(
        (value) => (value !== undefined ? finish({ value }) : undefined),
        (error: unknown) => finish({ error }),
      );
    const stop = coordination.watch(flight.key, () => {
      // A change: the entry is there (answer it), or the lease was freed (go and try for it).
      void flight.readEntry().then((value) => finish({ value }), (error: unknown) => finish({ error }));
    });
    // Polled slowly while change reports are live, quickly (a tenth) while they are not yet.
    const pollMs = coordination.watchable ? options.pollMs : Math.max(10, Math.floor(options.pollMs / 10));
    timer = setTimeout(() => finish({}), Math.max(0, Math.min(remainingMs, pollMs)));
    void look();
  });
}
