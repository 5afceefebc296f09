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

  counters(): CircuitBreakerCounters {
    return { state: this.currentState, consecutiveFailures: this.consecutiveFailures, ...this.counts };
  }

  /**
   * Runs `command` unless the breaker refuses it; rejects with CircuitOpenError (fast),
   * CommandTimeoutError, or the command's own error.
   */
  async execute<T>(command: () => Promise<T>): Promise<T> {
    const isProbe = this.admit();
    try {
      const result = await this.withTimeout(command);
      this.onSuccess();
      return result;
    } catch (error) {
      this.onFailure(error, isProbe);
      throw error;
    } finally {
      if (isProbe) this.probeInFlight = false;
    }
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

  private withTimeout<T>(command: () => Promise<T>): Promise<T> {
    const timeoutMs = this.options.commandTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.counts.timeouts++;
        reject(new CommandTimeoutError(timeoutMs));
      }, timeoutMs);
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(command());
      } catch (error) {
        pending = Promise.reject(error);
      }
      // A late result or error is dropped: the caller has already moved on.
      pending.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
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
