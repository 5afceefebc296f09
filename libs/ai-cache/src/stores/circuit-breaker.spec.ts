import {
  CircuitBreaker,
  CircuitBreakerOptions,
  CircuitOpenError,
  CircuitState,
  CommandTimeoutError,
  StoreLogger,
} from './circuit-breaker';

/** A logger that records what it was told, by level. */
function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const logger: StoreLogger = {
    log: (message) => lines.push({ level: 'log', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
  };
  return { logger, lines };
}

const fail = () => Promise.reject(new Error('ECONNREFUSED'));
const succeed = () => Promise.resolve('OK');
const never = () => new Promise<string>(() => undefined);

/** Watches a promise without awaiting it: `outcome()` is undefined until it settles. */
function watch<T>(promise: Promise<T>) {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  return () => outcome;
}

const timedOut = { ok: false, error: expect.any(CommandTimeoutError) };

/** Lets every queued promise reaction run (fake timers leave the microtask queue alone). */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('CircuitBreaker', () => {
  let clock: number;
  let transitions: Array<[CircuitState, CircuitState]>;
  const make = (overrides: Partial<CircuitBreakerOptions> = {}) =>
    new CircuitBreaker({
      commandTimeoutMs: 250,
      failureThreshold: 3,
      baseCooldownMs: 1000,
      maxCooldownMs: 10_000,
      now: () => clock,
      onStateChange: (state, previous) => transitions.push([previous, state]),
      ...overrides,
    });

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1_000_000;
    transitions = [];
  });
  afterEach(() => jest.useRealTimers());

  it('passes results and errors through while closed', async () => {
    const breaker = make();
    await expect(breaker.execute(succeed)).resolves.toBe('OK');
    await expect(breaker.execute(fail)).rejects.toThrow('ECONNREFUSED');
    expect(breaker.state).toBe('closed');
    expect(breaker.counters()).toMatchObject({ errors: 1, timeouts: 0, shortCircuited: 0, consecutiveFailures: 1 });
  });

  it('a success resets the run of consecutive failures', async () => {
    const breaker = make();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.execute(succeed);
    await expect(breaker.execute(fail)).rejects.toThrow();
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
  });

  it('opens after N consecutive failures and then fails fast without calling the backend', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow('ECONNREFUSED');
    expect(breaker.state).toBe('open');

    const backend = jest.fn(succeed);
    for (let i = 0; i < 10; i++) await expect(breaker.execute(backend)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(backend).not.toHaveBeenCalled();
    expect(breaker.counters()).toMatchObject({ state: 'open', errors: 3, shortCircuited: 10, opened: 1 });
  });

  it('abandons a command after commandTimeoutMs and counts it as a timeout', async () => {
    const breaker = make();
    const pending = breaker.execute(never);
    jest.advanceTimersByTime(249);
    let settled = false;
    void pending.catch(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(pending).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(breaker.counters()).toMatchObject({ timeouts: 1, errors: 1 });
  });

  it('ignores a late result after the timeout', async () => {
    const breaker = make();
    let finishLate!: (value: string) => void;
    const pending = breaker.execute(() => new Promise<string>((resolve) => (finishLate = resolve)));
    jest.advanceTimersByTime(250);
    await expect(pending).rejects.toBeInstanceOf(CommandTimeoutError);
    finishLate('too late');
    await Promise.resolve();
    expect(breaker.counters().consecutiveFailures).toBe(1);
  });

  it('opens on consecutive timeouts too', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) {
      const pending = breaker.execute(never);
      jest.advanceTimersByTime(250);
      await expect(pending).rejects.toBeInstanceOf(CommandTimeoutError);
    }
    expect(breaker.state).toBe('open');
  });

  it('after the cool-down lets exactly one probe through; its success closes the breaker', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    clock += 999;
    await expect(breaker.execute(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    clock += 1;

    let finishProbe!: (value: string) => void;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (finishProbe = resolve)));
    expect(breaker.state).toBe('half-open');
    const concurrent = jest.fn(succeed);
    await expect(breaker.execute(concurrent)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(concurrent).not.toHaveBeenCalled();

    finishProbe('PONG');
    await expect(probe).resolves.toBe('PONG');
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(succeed)).resolves.toBe('OK');
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('doubles the cool-down after each failed probe, up to the cap, and resets it once closed', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    const observedCooldowns: number[] = [];
    for (let probe = 0; probe < 6; probe++) {
      // Find the cool-down by stepping the clock until the breaker admits a call.
      let waited = 0;
      while (breaker.isOpen && waited <= 20_000) {
        clock += 100;
        waited += 100;
      }
      observedCooldowns.push(waited);
      await expect(breaker.execute(fail)).rejects.toThrow('ECONNREFUSED');
      expect(breaker.state).toBe('open');
    }
    expect(observedCooldowns).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);

    clock += 10_000;
    await breaker.execute(succeed);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    clock += 1000;
    expect(breaker.isOpen).toBe(false);
  });

  it('logs each state change once, not once per refused call', async () => {
    const { logger, lines } = recordingLogger();
    const breaker = make({ logger, name: 'Redis test' });
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    for (let i = 0; i < 50; i++) await expect(breaker.execute(succeed)).rejects.toThrow();
    clock += 1000;
    await breaker.execute(succeed);

    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/Redis test circuit opened after 3 consecutive failures \(last: ECONNREFUSED\)/);
    expect(lines.filter((line) => line.level === 'log').map((line) => line.message)).toEqual([
      'Redis test circuit closed: backend answering again',
    ]);
    expect(lines).toHaveLength(3); // warn (open), debug (half-open), log (closed)
  });

  it('does not count errors that prove the backend is up as outages', async () => {
    const replyError = Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), {
      name: 'ReplyError',
    });
    const breaker = make({ isOutage: (error) => (error as Error).name !== 'ReplyError' });
    for (let i = 0; i < 5; i++) await expect(breaker.execute(() => Promise.reject(replyError))).rejects.toThrow('WRONGTYPE');
    expect(breaker.state).toBe('closed');
    expect(breaker.counters()).toMatchObject({ errors: 5, consecutiveFailures: 0 });
  });

  it('treats a synchronous throw like a failed command', async () => {
    const breaker = make();
    await expect(
      breaker.execute(() => {
        throw new Error('Stream isn\'t writeable');
      }),
    ).rejects.toThrow("Stream isn't writeable");
    expect(breaker.counters().consecutiveFailures).toBe(1);
  });

  it('leaves no timer behind once a command settles', async () => {
    const breaker = make();
    await breaker.execute(succeed);
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ignores a late error after the timeout', async () => {
    const breaker = make();
    let failLate!: (error: Error) => void;
    const pending = breaker.execute(() => new Promise<string>((_, reject) => (failLate = reject)));
    jest.advanceTimersByTime(250);
    await expect(pending).rejects.toBeInstanceOf(CommandTimeoutError);
    failLate(new Error('ECONNRESET'));
    await flushMicrotasks();
    expect(breaker.counters()).toMatchObject({ errors: 1, timeouts: 1, consecutiveFailures: 1 });
  });

  it('never throws synchronously: refusals and synchronous throws come back as rejections, later', async () => {
    const breaker = make();
    let attempt!: Promise<string>;
    expect(() => {
      attempt = breaker.execute(() => {
        throw new Error('Stream isn\'t writeable');
      });
    }).not.toThrow();
    expect(breaker.counters().errors).toBe(0); // not counted inside execute()
    await expect(attempt).rejects.toThrow("Stream isn't writeable");
    expect(breaker.counters().errors).toBe(1);

    for (let i = 0; i < 2; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    let refused!: Promise<string>;
    expect(() => (refused = breaker.execute(succeed))).not.toThrow();
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('abandons each command no earlier than its deadline, and at most a tick (a tenth of the timeout) after it', async () => {
    const breaker = make({ failureThreshold: 100 });
    const first = watch(breaker.execute(never));
    jest.advanceTimersByTime(100);
    const second = watch(breaker.execute(never));
    jest.advanceTimersByTime(50);
    await expect(breaker.execute(succeed)).resolves.toBe('OK');

    jest.advanceTimersByTime(99); // t = 249
    await flushMicrotasks();
    expect(first()).toBeUndefined();
    jest.advanceTimersByTime(1); // t = 250: a lone command is abandoned right on time
    await flushMicrotasks();
    expect(first()).toEqual(timedOut);
    expect(second()).toBeUndefined();

    jest.advanceTimersByTime(99); // t = 349
    await flushMicrotasks();
    expect(second()).toBeUndefined();
    jest.advanceTimersByTime(26); // t = 375: its deadline (350) plus one tick (25 ms)
    await flushMicrotasks();
    expect(second()).toEqual(timedOut);
    expect(breaker.counters()).toMatchObject({ timeouts: 2, errors: 2, consecutiveFailures: 2 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('arms one timer per command in flight, and none once they have all settled', async () => {
    const breaker = make();
    const finishers: Array<() => void> = [];
    const pending = Array.from({ length: 64 }, () =>
      breaker.execute(() => new Promise<string>((resolve) => finishers.push(() => resolve('OK')))),
    );
    expect(jest.getTimerCount()).toBe(64);
    finishers.forEach((finish) => finish());
    await expect(Promise.all(pending)).resolves.toHaveLength(64);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('abandons a burst of commands together, opening (and logging) once', async () => {
    const { logger, lines } = recordingLogger();
    const breaker = make({ logger, name: 'Redis test' });
    const pending = Array.from({ length: 100 }, () => watch(breaker.execute(never)));
    jest.advanceTimersByTime(249);
    await flushMicrotasks();
    expect(pending.filter((outcome) => outcome() !== undefined)).toHaveLength(0);
    jest.advanceTimersByTime(26); // t = 275
    await flushMicrotasks();
    expect(pending.filter((outcome) => outcome() === undefined)).toHaveLength(0);
    expect(pending.map((outcome) => outcome())).toEqual(Array(100).fill(timedOut));
    expect(breaker.counters()).toMatchObject({ state: 'open', timeouts: 100, errors: 100, opened: 1, consecutiveFailures: 100 });
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Redis test circuit opened after 3 consecutive failures (last: command timed out after 250 ms); next probe in 1000 ms',
      },
    ]);
    expect(transitions).toEqual([['closed', 'open']]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a probe that times out re-opens the breaker for twice the cool-down and frees the probe slot', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    clock += 1000;
    const probe = breaker.execute(never);
    expect(breaker.state).toBe('half-open');
    jest.advanceTimersByTime(250);
    await expect(probe).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(breaker.state).toBe('open');
    clock += 1999;
    expect(breaker.isOpen).toBe(true);
    clock += 1;
    await expect(breaker.execute(succeed)).resolves.toBe('OK');
    expect(breaker.state).toBe('closed');
  });

  it('a callback that throws fails that call with its error and still frees the probe slot', async () => {
    const breaker = make({
      isOutage: (error) => {
        if ((error as Error).message === 'odd reply') throw new Error('isOutage failed');
        return true;
      },
    });
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    clock += 1000;
    await expect(breaker.execute(() => Promise.reject(new Error('odd reply')))).rejects.toThrow('isOutage failed');
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(succeed)).resolves.toBe('OK');
    expect(breaker.state).toBe('closed');

    const { logger } = recordingLogger();
    logger.warn = () => {
      throw new Error('logger failed');
    };
    const logged = make({ logger });
    for (let i = 0; i < 2; i++) await expect(logged.execute(fail)).rejects.toThrow('ECONNREFUSED');
    await expect(logged.execute(fail)).rejects.toThrow('logger failed');
    expect(logged.state).toBe('open');
  });

  it('times out a command started from a callback while other commands were being abandoned', async () => {
    let started: Promise<string> | undefined;
    const breaker = make({
      failureThreshold: 100,
      isOutage: () => {
        started ??= breaker.execute(never);
        return true;
      },
    });
    const first = breaker.execute(never);
    jest.advanceTimersByTime(250);
    await expect(first).rejects.toBeInstanceOf(CommandTimeoutError);
    const second = watch(started!);
    jest.advanceTimersByTime(249);
    await flushMicrotasks();
    expect(second()).toBeUndefined();
    jest.advanceTimersByTime(1);
    await flushMicrotasks();
    expect(second()).toEqual(timedOut);
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([
    ['legacy fake timers', { legacyFakeTimers: true }],
    ['fake timers that leave Date, performance and hrtime real', { doNotFake: ['Date', 'performance', 'hrtime'] }],
  ] as Array<[string, Parameters<typeof jest.useFakeTimers>[0]]>)('times out on time under %s too', async (_, config) => {
    jest.useRealTimers(); // switching straight from modern to legacy fake timers breaks the globals
    jest.useFakeTimers(config);
    try {
      const breaker = make({ failureThreshold: 100 });
      for (let round = 0; round < 2; round++) {
        const first = watch(breaker.execute(never));
        jest.advanceTimersByTime(100);
        const second = watch(breaker.execute(never));
        jest.advanceTimersByTime(149);
        await flushMicrotasks();
        expect(first()).toBeUndefined();
        jest.advanceTimersByTime(1);
        await flushMicrotasks();
        expect(first()).toEqual(timedOut);
        jest.advanceTimersByTime(99);
        await flushMicrotasks();
        expect(second()).toBeUndefined();
        jest.advanceTimersByTime(26);
        await flushMicrotasks();
        expect(second()).toEqual(timedOut);
      }
      expect(breaker.counters().timeouts).toBe(4);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('with real timers', () => {
    beforeEach(() => jest.useRealTimers());

    it('never abandons a command before commandTimeoutMs, nor much after', async () => {
      const timeoutMs = 40;
      const breaker = make({ commandTimeoutMs: timeoutMs, failureThreshold: 100 });
      const elapsed: number[] = [];
      const runs: Array<Promise<unknown>> = [];
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        runs.push(
          breaker.execute(never).catch((error: unknown) => {
            expect(error).toBeInstanceOf(CommandTimeoutError);
            elapsed.push(performance.now() - started);
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 7));
      }
      await Promise.all(runs);
      // Node's timers count whole milliseconds: a setTimeout(40) may fire 39.2 ms later by performance.now().
      expect(Math.min(...elapsed)).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(Math.max(...elapsed)).toBeLessThan(timeoutMs * 1.1 + 500); // generous: CI machines stall
    });

    it('does not keep the process alive with its timer', async () => {
      const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
      try {
        const breaker = make({ commandTimeoutMs: 20 });
        const pending = breaker.execute(never);
        expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
        const timer = setTimeoutSpy.mock.results[0].value as NodeJS.Timeout;
        expect(timer.hasRef()).toBe(false);
        await expect(pending).rejects.toBeInstanceOf(CommandTimeoutError);
      } finally {
        setTimeoutSpy.mockRestore();
      }
    });
  });
});
