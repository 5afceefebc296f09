import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageName, requirePeer } from './require-peer';

describe('requirePeer', () => {
  it('loads an installed peer', () => {
    const caches = requirePeer<{ BaseCache: unknown }>({ module: '@langchain/core/caches', entry: 'nestjs-ai-cache/langchain', install: '@langchain/core@^1' });
    expect(typeof caches.BaseCache).toBe('function');
  });

  it('names the entry, the package and what to install when the peer is absent', () => {
    expect(() => requirePeer({ module: '@absent-scope/absent-package/sub', entry: 'nestjs-ai-cache/x', install: '@absent-scope/absent-package@^2' })).toThrow(
      "nestjs-ai-cache/x needs the optional peer dependency '@absent-scope/absent-package' (it loads '@absent-scope/absent-package/sub'), which is not installed or too old: npm install @absent-scope/absent-package@^2",
    );
  });

  it('says the same for an installed version that lacks the subpath', () => {
    expect(() => requirePeer({ module: '@langchain/core/no-such-entry', entry: 'nestjs-ai-cache/langchain', install: '@langchain/core@^1' })).toThrow(
      /needs the optional peer dependency '@langchain\/core'.*npm install @langchain\/core@\^1/,
    );
  });

  it('rethrows any other failure as is: a peer whose own import is missing, or that throws while loading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'require-peer-'));
    try {
      const brokenImport = join(dir, 'broken-import.js');
      writeFileSync(brokenImport, "require('@absent-scope/transitive');");
      expect(() => requirePeer({ module: brokenImport, entry: 'e', install: 'i' })).toThrow(/Cannot find module '@absent-scope\/transitive'/);
      const throwing = join(dir, 'throwing.js');
      writeFileSync(throwing, "throw new Error('boom at load');");
      expect(() => requirePeer({ module: throwing, entry: 'e', install: 'i' })).toThrow('boom at load');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the package name of a scoped or plain module path', () => {
    expect(packageName('@langchain/core/caches')).toBe('@langchain/core');
    expect(packageName('openai/streaming')).toBe('openai');
    expect(packageName('ai')).toBe('ai');
  });
});
