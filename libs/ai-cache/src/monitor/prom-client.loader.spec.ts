import { loadPromClient } from './prom-client.loader';

function missing(id: string): never {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
}

describe('loadPromClient', () => {
  it('loads the installed prom-client', () => {
    expect(typeof loadPromClient()?.Counter).toBe('function');
  });

  it('is undefined when prom-client is not installed', () => {
    expect(loadPromClient(missing)).toBeUndefined();
  });

  it('throws any other failure: a dependency of prom-client missing is a broken install, not an absent one', () => {
    expect(() => loadPromClient(() => missing('tdigest'))).toThrow("Cannot find module 'tdigest'");
    expect(() =>
      loadPromClient(() => {
        throw new SyntaxError('Unexpected token');
      }),
    ).toThrow(SyntaxError);
  });
});
