/**
 * Guards every Redis command so that a slow or dead Redis costs the caller at most one short
 * timeout, and after a few failures nothing at all: the breaker opens and calls fail fast (no
 * Redis round trip) until a cool-down has passed; then one probe is let through (half-open) and
 * its success closes the breaker again. The cool-down doubles on each failed probe, up to a cap,
 * so that a long outage is probed rarely.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What the stores log through. Nest's `Logger` fits as is; stores know nothing else of Nest. */
export interface StoreLogger {
  log(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface CircuitBreakerOptions {
  /** Milliseconds after which one command is abandoned (its late result is ignored). */
  commandTimeoutMs: number;
  /** Consecutive failures that open the breaker. Default 3. */
  failureThreshold?: number;
  /** First cool-down, in milliseconds. Default 1000. */
  baseCooldownMs?: number;
  /** Longest cool-down, in milliseconds. Default 10000. */
  maxCooldownMs?: number;
  /** Named in log lines, e.g. `Redis 127.0.0.1:6380`. */
  name?: string;
  logger?: StoreLogger;
  /** Clock, replaceable in tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Whether an error means the backend is unhealthy. Default: every error. Redis' own reply errors
   * (e.g. WRONGTYPE on a foreign key) prove Redis is up, so the Redis store excludes them: they
   * must not let anyone who writes odd keys trip the breaker.
   */
  isOutage?: (error: unknown) => boolean;
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

export interface CircuitBreakerCounters {
  state: CircuitState;
  /** Commands that failed (timeouts included). */
  errors: number;
  /** Commands abandoned after `commandTimeoutMs`. */
  timeouts: number;
  /** Calls refused while open, without touching the backend. */
  shortCircuited: number;
  /** Times the breaker opened. */
  opened: number;
  consecutiveFailures: number;
}

/** Thrown (fast) while the breaker is open. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(readonly retryInMs: number) {
    super(`circuit open: backend unavailable, next probe in ${retryInMs} ms`);
  }
}

/** Thrown when a command did not settle within `commandTimeoutMs`. */
export class CommandTimeoutError extends Error {
  override readonly name = 'CommandTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`command timed out after ${timeoutMs} ms`);
  }
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_BASE_COOLDOWN_MS = 1000;
export const DEFAULT_MAX_COOLDOWN_MS = 10_000;

export class CircuitBreaker {
  private currentState: CircuitState = 'closed';
  private consecutiveFailures = 0;
  /** Failed probes since the breaker last closed: the cool-down doubles with each. */
  private failedProbes = 0;
  private openUntil = 0;
  private probeInFlight = false;
  private readonly counts = { errors: 0, timeouts: 0, shortCircuited: 0, opened: 0 };

  private readonly failureThreshold: number;
  private readonly baseCooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;
  private readonly isOutage: (error: unknown) => boolean;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
    this.baseCooldownMs = options.baseCooldownMs ?? DEFAULT_BASE_COOLDOWN_MS;
    this.maxCooldownMs = Math.max(this.baseCooldownMs, options.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS);
    this.now = options.now ?? Date.now;
    this.isOutage = options.isOutage ?? (() => true);
  }

  get state(): CircuitState {
    return this.currentState;
  }

  /** True while calls are refused without trying the backend. */
  get isOpen(): boolean {
    return this.currentState === 'open' && this.now() < this.openUntil;
  }

  /**
   * The backend is known to be back (its client reconnected): let the next call probe it now rather
   * than at the end of a cool-down that may have grown to `maxCooldownMs` during a long outage.
   */
  probeNow(): void {
    if (this.currentState === 'open') this.openUntil = this.now();
  }

  counters(): CircuitBreakerCounters {
    return { state: this.currentState, consecutiveFailures: this.consecutiveFailures, ...this.counts };
  }

  /**
   * Runs `command` unless the breaker refuses it; rejects with CircuitOpenError (fast),
   * CommandTimeoutError after `commandTimeoutMs`, or the command's own error.
   */
  execute<T>(command: () => Promise<T>): Promise<T> {
    let isProbe: boolean;
    try {
      isProbe = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      // The first of the command's answer and the timeout wins; what comes later is dropped.
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        this.counts.timeouts++;
        finish(false, new CommandTimeoutError(this.options.commandTimeoutMs));
      }, this.options.commandTimeoutMs);
      // Never what keeps the process alive: a pending command's own I/O does that.
      timer.unref();
      const finish = (ok: boolean, outcome: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.settle(isProbe, ok, outcome, resolve as (value: unknown) => void, reject);
      };
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(command());
      } catch (error) {
        // A synchronous throw is settled like a rejection: later, never inside execute().
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => finish(true, value),
        (error: unknown) => finish(false, error),
      );
    });
  }

  /** Throws when the call must not reach the backend; returns whether it is the half-open probe. */
  private admit(): boolean {
    if (this.currentState === 'closed') return false;
    if (this.currentState === 'open') {
      const waitMs = this.openUntil - this.now();
      if (waitMs > 0) this.refuse(waitMs);
      this.transition('half-open');
    }
    // Half-open: exactly one probe at a time; everyone else keeps failing fast until it settles.
    if (this.probeInFlight) this.refuse(0);
    this.probeInFlight = true;
    return true;
  }

  private refuse(waitMs: number): never {
    this.counts.shortCircuited++;
    throw new CircuitOpenError(Math.max(0, waitMs));
  }

  /**
   * Answers the caller, once, after the breaker's state is updated. A callback that throws
   * (isOutage, logger, onStateChange) fails that call: onSuccess throwing is a failure,
   * onFailure throwing replaces the error, and the probe slot is freed either way.
   */
  private settle(isProbe: boolean, ok: boolean, outcome: unknown, resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
    try {
      if (ok) {
        try {
          this.onSuccess();
        } catch (error) {
          ok = false;
          outcome = error;
          this.onFailure(error, isProbe);
        }
      } else {
        this.onFailure(outcome, isProbe);
      }
    } catch (error) {
      ok = false;
      outcome = error;
    }
    if (isProbe) this.probeInFlight = false;
    if (ok) resolve(outcome);
    else reject(outcome);
  }

  private onSuccess(): void {
    this.consecutiveFailures = 0;
    if (this.currentState !== 'closed') {
      this.failedProbes = 0;
      this.transition('closed');
    }
  }

  private onFailure(error: unknown, isProbe: boolean): void {
    this.counts.errors++;
    if (!this.isOutage(error)) {
      // The backend answered: as good as a success for the breaker's purpose.
      this.onSuccess();
      return;
    }
    this.consecutiveFailures++;
    if (isProbe) {
      this.failedProbes++;
      this.open(error);
    } else if (this.currentState === 'closed' && this.consecutiveFailures >= this.failureThreshold) {
      this.open(error);
    }
  }

  private open(error: unknown): void {
    const cooldownMs = Math.min(this.maxCooldownMs, this.baseCooldownMs * 2 ** this.failedProbes);
    this.openUntil = this.now() + cooldownMs;
    this.counts.opened++;
    const reason = error instanceof Error ? error.message : String(error);
    this.transition('open', `after ${this.consecutiveFailures} consecutive failures (last: ${reason}); next probe in ${cooldownMs} ms`);
  }

  /** Logs each state change once; never once per refused call. */
  private transition(next: CircuitState, detail?: string): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    const name = this.options.name ?? 'backend';
    const logger = this.options.logger;
    if (next === 'open' && previous === 'closed') {
      logger?.warn(`${name} circuit opened ${detail ?? ''}`.trim());
    } else if (next === 'open') {
      logger?.debug?.(`${name} circuit re-opened: probe failed ${detail ?? ''}`.trim());
    } else if (next === 'half-open') {
      logger?.debug?.(`${name} circuit half-open: probing`);
    } else {
      logger?.log(`${name} circuit closed: backend answering again`);
    }
    this.options.onStateChange?.(next, previous);
  }
}
