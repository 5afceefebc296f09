import { CommandTimeoutError } from './circuit-breaker';
import { advance, fail, flushMicrotasks, never, recordingLogger, succeed, timedOut, useBreakers, watch } from './circuit-breaker.spec-support';

describe('CircuitBreaker timeouts', () => {
  const t = useBreakers();
  const make = t.make;

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

  it('abandons each command no earlier than its deadline, and at most a tick (a tenth of the timeout) after it', async () => {
    const breaker = make({ failureThreshold: 100 });
    const first = watch(breaker.execute(never));
    jest.advanceTimersByTime(100);
    const second = watch(breaker.execute(never));
    jest.advanceTimersByTime(50);
    await expect(breaker.execute(succeed)).resolves.toBe('OK');

    await advance(99); // t = 249
    expect(first()).toBeUndefined();
    await advance(1); // t = 250: a lone command is abandoned right on time
    expect(first()).toEqual(timedOut);
    expect(second()).toBeUndefined();

    await advance(99); // t = 349
    expect(second()).toBeUndefined();
    await advance(26); // t = 375: its deadline (350) plus one tick (25 ms)
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
    await advance(249);
    expect(pending.filter((outcome) => outcome() !== undefined)).toHaveLength(0);
    await advance(26); // t = 275
    expect(pending.filter((outcome) => outcome() === undefined)).toHaveLength(0);
    expect(pending.map((outcome) => outcome())).toEqual(Array(100).fill(timedOut));
    expect(breaker.counters()).toMatchObject({ state: 'open', timeouts: 100, errors: 100, opened: 1, consecutiveFailures: 100 });
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Redis test circuit opened after 3 consecutive failures (last: command timed out after 250 ms); next probe in 1000 ms',
      },
    ]);
    expect(t.transitions).toEqual([['closed', 'open']]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a probe that times out re-opens the breaker for twice the cool-down and frees the probe slot', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    t.clock += 1000;
    const probe = breaker.execute(never);
    expect(breaker.state).toBe('half-open');
    jest.advanceTimersByTime(250);
    await expect(probe).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(breaker.state).toBe('open');
    t.clock += 1999;
    expect(breaker.isOpen).toBe(true);
    t.clock += 1;
    await expect(breaker.execute(succeed)).resolves.toBe('OK');
    expect(breaker.state).toBe('closed');
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
    await advance(249);
    expect(second()).toBeUndefined();
    await advance(1);
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
        await advance(149);
        expect(first()).toBeUndefined();
        await advance(1);
        expect(first()).toEqual(timedOut);
        await advance(99);
        expect(second()).toBeUndefined();
        await advance(26);
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
