import type { FleetLease } from './fleet-coordination.interface';

/**
 * Renews `lease` every third of `leaseMs` while its holder computes (a renewal that fails is not an
 * error: the lease is a saving, not a lock); returns the function that stops renewing.
 */
export function keepLeaseAlive(lease: FleetLease, leaseMs: number): () => void {
  const timer = setInterval(() => void lease.renew(leaseMs).catch(() => undefined), Math.max(1, Math.floor(leaseMs / 3)));
  // Never what keeps the process alive: the compute's own work does that.
  timer.unref();
  return () => clearInterval(timer);
}
