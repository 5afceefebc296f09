import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, CommandTimeoutError, type StoreLogger } from './circuit-breaker';

/** A logger that records what it was told, by level. */
export function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const logger: StoreLogger = {
    log: (message) => lines.push({ level: 'log', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
  };
  return { logger, lines };
}

export const fail = () => Promise.reject(new Error('ECONNREFUSED'));
export const succeed = () => Promise.resolve('OK');
export const never = () => new Promise<string>(() => undefined);

/** Watches a promise without awaiting it: `outcome()` is undefined until it settles. */
export function watch<T>(promise: Promise<T>) {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  return () => outcome;
}

export const timedOut = { ok: false, error: expect.any(CommandTimeoutError) };

/** Lets every queued promise reaction run (fake timers leave the microtask queue alone). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Advances the fake timers by `ms`, then lets the promise reactions that fired run. */
export async function advance(ms: number): Promise<void> {
  jest.advanceTimersByTime(ms);
  await flushMicrotasks();
}

/**
 * Breakers on a test clock (`t.clock`, moved by hand) and fake timers, recording their state
 * changes in `t.transitions`. Call at the top of a describe block.
 */
export function useBreakers() {
  const t = {
    clock: 0,
    transitions: [] as Array<[CircuitState, CircuitState]>,
    make: (overrides: Partial<CircuitBreakerOptions> = {}) =>
      new CircuitBreaker({
        commandTimeoutMs: 250,
        failureThreshold: 3,
        baseCooldownMs: 1000,
        maxCooldownMs: 10_000,
        now: () => t.clock,
        onStateChange: (state, previous) => t.transitions.push([previous, state]),
        ...overrides,
      }),
  };
  beforeEach(() => {
    jest.useFakeTimers();
    t.clock = 1_000_000;
    t.transitions = [];
  });
  afterEach(() => jest.useRealTimers());
  return t;
}
