import { AsyncCoalescer } from './coalesce-async';

/** A promise whose settlement the test controls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('AsyncCoalescer', () => {
  it('runs fn once for concurrent calls with the same key and gives every caller its result', async () => {
    const coalescer = new AsyncCoalescer();
    const gate = deferred<{ answer: number }>();
    const fn = jest.fn(() => gate.promise);

    const calls = [coalescer.run('k', fn), coalescer.run('k', fn), coalescer.run('k', fn)];
    expect(fn).toHaveBeenCalledTimes(1);
    expect(coalescer.inFlight).toBe(1);

    gate.resolve({ answer: 42 });
    const results = await Promise.all(calls);
    expect(results).toEqual([{ answer: 42 }, { answer: 42 }, { answer: 42 }]);
  });

  it('runs calls with different keys independently', async () => {
    const coalescer = new AsyncCoalescer();
    const fnA = jest.fn(async () => 'a');
    const fnB = jest.fn(async () => 'b');

    const [a, b] = await Promise.all([coalescer.run('a', fnA), coalescer.run('b', fnB)]);
    expect([a, b]).toEqual(['a', 'b']);
    expect(fnA).toHaveBeenCalledTimes(1);
    expect(fnB).toHaveBeenCalledTimes(1);
  });

  it('calls onJoin only for the calls that joined an existing flight', async () => {
    const coalescer = new AsyncCoalescer();
    const gate = deferred<string>();
    const onJoin = jest.fn();

    const first = coalescer.run('k', () => gate.promise, onJoin);
    expect(onJoin).not.toHaveBeenCalled();
    const second = coalescer.run('k', () => gate.promise, onJoin);
    const third = coalescer.run('k', () => gate.promise, onJoin);
    expect(onJoin).toHaveBeenCalledTimes(2);

    gate.resolve('done');
    await Promise.all([first, second, third]);
    await coalescer.run('k', async () => 'fresh', onJoin);
    expect(onJoin).toHaveBeenCalledTimes(2);
  });

  it('delivers a rejection to every waiter', async () => {
    const coalescer = new AsyncCoalescer();
    const gate = deferred<string>();
    const failure = new Error('model down');

    const calls = [1, 2, 3].map(() => coalescer.run('k', () => gate.promise));
    gate.reject(failure);

    const outcomes = await Promise.allSettled(calls);
    expect(outcomes).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: failure })));
  });

  it('forgets a failed flight so that the next call runs fn again', async () => {
    const coalescer = new AsyncCoalescer();
    const fn = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('transient'))
      .mockResolvedValueOnce('recovered');

    await expect(coalescer.run('k', fn)).rejects.toThrow('transient');
    expect(coalescer.inFlight).toBe(0);
    await expect(coalescer.run('k', fn)).resolves.toBe('recovered');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('forgets a successful flight once settled: later calls run fn again', async () => {
    const coalescer = new AsyncCoalescer();
    let calls = 0;
    const fn = async () => ++calls;

    expect(await coalescer.run('k', fn)).toBe(1);
    expect(await coalescer.run('k', fn)).toBe(2);
    expect(coalescer.inFlight).toBe(0);
  });

  it('turns a synchronous throw of fn into a rejection and does not keep the entry', async () => {
    const coalescer = new AsyncCoalescer();
    const fn = (): Promise<string> => {
      throw new TypeError('bad input');
    };

    const call = coalescer.run('k', fn);
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow(TypeError);
    expect(coalescer.inFlight).toBe(0);
  });

  it('counts keys in flight', async () => {
    const coalescer = new AsyncCoalescer();
    const gateA = deferred<void>();
    const gateB = deferred<void>();

    const a = coalescer.run('a', () => gateA.promise);
    const b = coalescer.run('b', () => gateB.promise);
    coalescer.run('a', () => gateA.promise);
    expect(coalescer.inFlight).toBe(2);

    gateA.resolve();
    await a;
    expect(coalescer.inFlight).toBe(1);
    gateB.resolve();
    await b;
    expect(coalescer.inFlight).toBe(0);
  });

  it('survives fn re-entering run() for its own key synchronously', async () => {
    const coalescer = new AsyncCoalescer();
    let inner: Promise<string> | undefined;
    const outer = coalescer.run('k', () => {
      inner = coalescer.run('k', async () => 'inner');
      return Promise.resolve('outer');
    });

    await expect(outer).resolves.toBe('outer');
    await expect(inner).resolves.toBe('inner');
    expect(coalescer.inFlight).toBe(0);
  });
});
