import { CircuitOpenError } from './circuit-breaker';
import { fail, never, recordingLogger, succeed, useBreakers } from './circuit-breaker.spec-support';

describe('CircuitBreaker', () => {
  const t = useBreakers();
  const { make } = t;

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

  it('after the cool-down lets exactly one probe through; its success closes the breaker', async () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    t.clock += 999;
    await expect(breaker.execute(succeed)).rejects.toBeInstanceOf(CircuitOpenError);
    t.clock += 1;

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
    expect(t.transitions).toEqual([
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
        t.clock += 100;
        waited += 100;
      }
      observedCooldowns.push(waited);
      await expect(breaker.execute(fail)).rejects.toThrow('ECONNREFUSED');
      expect(breaker.state).toBe('open');
    }
    expect(observedCooldowns).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);

    t.clock += 10_000;
    await breaker.execute(succeed);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    t.clock += 1000;
    expect(breaker.isOpen).toBe(false);
  });

  it('logs each state change once, not once per refused call', async () => {
    const { logger, lines } = recordingLogger();
    const breaker = make({ logger, name: 'Redis test' });
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    for (let i = 0; i < 50; i++) await expect(breaker.execute(succeed)).rejects.toThrow();
    t.clock += 1000;
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

  it('a callback that throws fails that call with its error and still frees the probe slot', async () => {
    const breaker = make({
      isOutage: (error) => {
        if ((error as Error).message === 'odd reply') throw new Error('isOutage failed');
        return true;
      },
    });
    for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
    t.clock += 1000;
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
});
