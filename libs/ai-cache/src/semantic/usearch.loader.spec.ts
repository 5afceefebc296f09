import { USEARCH_PACKAGE, UsearchUnavailableError, loadUsearch, loadWith, tryLoadUsearch } from './usearch.loader';

describe('usearch loader', () => {
  it('loads the installed package once', () => {
    const first = loadUsearch();
    expect(typeof first.Index).toBe('function');
    expect(typeof first.exactSearch).toBe('function');
    expect(loadUsearch()).toBe(first);
    expect(tryLoadUsearch()).toBe(first);
  });

  it('names the package to install when it is missing', () => {
    const result = loadWith((id) => {
      throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- somewhere`), { code: 'MODULE_NOT_FOUND' });
    });
    expect('error' in result && result.error).toBeInstanceOf(UsearchUnavailableError);
    expect('error' in result && result.error.message).toBe(
      "nestjs-ai-cache: the HNSW index needs the optional package `usearch` (npm install usearch); it could not be loaded: Cannot find module 'usearch'",
    );
  });

  it('refuses a package that is not usearch 2.x', () => {
    const result = loadWith(() => ({ Index: class {} }));
    expect('error' in result && result.error.message).toContain('does not export Index and exactSearch (usearch 2.x is expected)');
    expect(USEARCH_PACKAGE).toBe('usearch');
  });
});
