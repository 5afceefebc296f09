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
  /**
   * Milliseconds after which one command is abandoned (its late result is ignored): never sooner,
   * and about a tenth of this later at most (one tick of the breaker's shared timer, plus lag).
   */
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

type Settle = (outcome: unknown) => void;

/**
 * One command in flight: how to answer its caller, and its place in the breaker's list of pending
 * commands (doubly linked, so that a command that settles leaves it in O(1)).
 */
class PendingCommand {
  prev: PendingCommand | undefined = undefined;
  next: PendingCommand | undefined = undefined;
  /** Set once the caller has its answer: a late result or error is then dropped. */
  done = false;

  constructor(
    readonly resolve: Settle,
    readonly reject: Settle,
    readonly isProbe: boolean,
    /** The deadline tick (see `CircuitBreaker.ticks`) from which the command is abandoned. */
    readonly dueTick: number,
  ) {}
}

/**
 * A Promise executor that hands its resolve and reject functions over through these two variables
 * (read right after `new Promise` returns), instead of a closure allocated per command.
 */
let capturedResolve: Settle = () => undefined;
let capturedReject: Settle = () => undefined;
const captureSettlers = (resolve: Settle, reject: Settle): void => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/**
 * Ticks of the shared timer per `commandTimeoutMs`: a command is abandoned at most one tick (a
 * tenth of the timeout) plus the timer's lag after its deadline, never before it.
 */
const TICKS_PER_TIMEOUT = 10;
/** Node turns a delay outside [1, TIMEOUT_MAX] into 1 ms: so did the per-command timer. */
const TIMEOUT_MAX_MS = 2 ** 31 - 1;

export class CircuitBreaker {
  private currentState: CircuitState = 'closed';
  private consecutiveFailures = 0;
  /** Failed probes since the breaker last closed: the cool-down doubles with each. */
  private failedProbes = 0;
  private openUntil = 0;
  private probeInFlight = false;
  private readonly counts = { errors: 0, timeouts: 0, shortCircuited: 0, opened: 0 };

  /**
   * Commands in flight, oldest first. Instead of a timer armed and cleared around every command,
   * one timer ticks every `tickMs` while (and only while) a command is pending, and each tick
   * abandons the commands whose deadline has passed. All commands get the same timeout, so those
   * are always the oldest ones, at the head of the list.
   *
   * Time is counted in ticks of that timer, not read from a clock: a command started between ticks
   * `t` and `t + 1` has waited at least `ticksPerTimeout * tickMs >= commandTimeoutMs` at tick
   * `t + 1 + ticksPerTimeout` (one that starts the timer, at tick `t + ticksPerTimeout`). So
   * timeouts follow timers alone, as the per-command timers did, whichever fake timers a test
   * installs and whether or not they fake `Date` or `performance` too.
   */
  private oldest: PendingCommand | undefined = undefined;
  private newest: PendingCommand | undefined = undefined;
  private tickTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Ticks so far. */
  private ticks = 0;
  private readonly tickMs: number;
  private readonly ticksPerTimeout: number;
  private readonly onTick = (): void => this.expireOverdue();

  private readonly failureThreshold: number;
  private readonly baseCooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;
  private readonly isOutage: (error: unknown) => boolean;

  constructor(private readonly options: CircuitBreakerOptions) {
    const { commandTimeoutMs } = options;
    const timeoutMs = commandTimeoutMs >= 1 && commandTimeoutMs <= TIMEOUT_MAX_MS ? commandTimeoutMs : 1;
    this.tickMs = Math.max(1, Math.floor(timeoutMs / TICKS_PER_TIMEOUT));
    this.ticksPerTimeout = Math.ceil(timeoutMs / this.tickMs);
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
   * CommandTimeoutError, or the command's own error.
   *
   * Not `async`: this is on the hot path (every Redis command), so the caller's promise is settled
   * by hand, by `settle`, just as `try { await command(); onSuccess() } catch { onFailure(); throw }
   * finally { free the probe slot }` would.
   */
  execute<T>(command: () => Promise<T>): Promise<T> {
    let isProbe: boolean;
    try {
      isProbe = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    const result = new Promise<T>(captureSettlers as (resolve: (value: T) => void, reject: Settle) => void);
    const entry = new PendingCommand(capturedResolve, capturedReject, isProbe, this.nextDueTick());
    this.track(entry);
    let pending: Promise<T>;
    try {
      pending = Promise.resolve(command());
    } catch (error) {
      // A synchronous throw is settled like a rejection: later, never inside execute().
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => this.settle(entry, true, value),
      (error: unknown) => this.settle(entry, false, error),
    );
    return result;
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

  /** The deadline tick of a command starting now (see `oldest`). */
  private nextDueTick(): number {
    return this.tickTimer === undefined ? this.ticks + this.ticksPerTimeout : this.ticks + this.ticksPerTimeout + 1;
  }

  /** Appends a command to the pending list, and starts the ticking if it was not running. */
  private track(entry: PendingCommand): void {
    const newest = this.newest;
    if (newest === undefined) this.oldest = entry;
    else {
      newest.next = entry;
      entry.prev = newest;
    }
    this.newest = entry;
    if (this.tickTimer === undefined) this.armTickTimer();
  }

  /** Takes a command off the pending list in O(1); stops the ticking once nothing is pending. */
  private untrack(entry: PendingCommand): void {
    const { prev, next } = entry;
    if (prev === undefined) this.oldest = next;
    else prev.next = next;
    if (next === undefined) this.newest = prev;
    else next.prev = prev;
    entry.prev = entry.next = undefined;
    if (this.oldest === undefined && this.tickTimer !== undefined) {
      clearTimeout(this.tickTimer);
      this.tickTimer = undefined;
    }
  }

  private armTickTimer(): void {
    const timer = setTimeout(this.onTick, this.tickMs);
    // Never what keeps the process alive: a pending command's own I/O does that.
    timer.unref();
    this.tickTimer = timer;
  }

  /** One tick: abandons the commands whose deadline has passed (the oldest), then ticks on. */
  private expireOverdue(): void {
    this.tickTimer = undefined;
    const tick = ++this.ticks;
    let entry = this.oldest;
    while (entry !== undefined && entry.dueTick <= tick) {
      this.counts.timeouts++;
      this.settle(entry, false, new CommandTimeoutError(this.options.commandTimeoutMs));
      entry = this.oldest;
    }
    // A callback run by `settle` may have started a command, and with it the timer.
    if (this.oldest !== undefined && this.tickTimer === undefined) this.armTickTimer();
  }

  /**
   * Answers the caller once (a late result or error is dropped: the caller has moved on), after
   * the breaker's state is updated. A callback that throws (isOutage, logger, onStateChange) is
   * handled as by the `async` version: onSuccess throwing is a failure, onFailure throwing
   * replaces the error, and the probe slot is freed either way.
   */
  private settle(entry: PendingCommand, ok: boolean, outcome: unknown): void {
    if (entry.done) return;
    entry.done = true;
    this.untrack(entry);
    try {
      if (ok) {
        try {
          this.onSuccess();
        } catch (error) {
          ok = false;
          outcome = error;
          this.onFailure(error, entry.isProbe);
        }
      } else {
        this.onFailure(outcome, entry.isProbe);
      }
    } catch (error) {
      ok = false;
      outcome = error;
    }
    if (entry.isProbe) this.probeInFlight = false;
    if (ok) entry.resolve(outcome);
    else entry.reject(outcome);
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
