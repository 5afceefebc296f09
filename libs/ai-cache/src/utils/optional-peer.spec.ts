import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMissingPackage, loadWithPeer, MissingPeerDependencyError } from './optional-peer';

const ABSENT = 'nestjs-ai-cache-absent-peer';

/** The error Node really throws for a require that finds nothing. */
function requireError(id: string): unknown {
  try {
    require(id);
  } catch (error) {
    return error;
  }
  throw new Error(`${id} unexpectedly resolved`);
}

describe('isMissingPackage', () => {
  it("recognises Node's error for the package itself", () => {
    expect(isMissingPackage(requireError(ABSENT), ABSENT)).toBe(true);
  });

  it('is false for another package, and for a broken install of this one (its own dependency missing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optional-peer-'));
    try {
      const broken = join(dir, 'broken.js');
      writeFileSync(broken, `require('${ABSENT}-dependency');`);
      const error = requireError(broken);
      expect(isMissingPackage(error, ABSENT)).toBe(false);
      expect(isMissingPackage(requireError(ABSENT), 'ioredis')).toBe(false);
      expect(isMissingPackage(new Error(`Cannot find module '${ABSENT}'`), ABSENT)).toBe(false);
      expect(isMissingPackage(undefined, ABSENT)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadWithPeer', () => {
  it('says what to install when the peer is missing, keeping the original error as its cause', async () => {
    const error = await loadWithPeer(ABSENT, 'the redis driver', async () => require(ABSENT)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPeerDependencyError);
    expect((error as Error).message).toBe(
      `nestjs-ai-cache: the redis driver needs the package '${ABSENT}', which is not installed. Install it: npm i ${ABSENT}`,
    );
    expect(((error as Error).cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });

  it('passes anything else through untouched', async () => {
    const failure = new Error('boom');
    await expect(loadWithPeer(ABSENT, 'x', async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(loadWithPeer(ABSENT, 'x', async () => 42)).resolves.toBe(42);
  });
});
