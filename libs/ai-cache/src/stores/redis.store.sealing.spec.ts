import { createSecretKey, randomBytes } from 'node:crypto';
import { codecFor, entryFor } from '../../../../test/support/store-fixtures';
import { AesGcmSealer } from '../codec/aes-gcm.sealer';
import { useRedisStores } from './redis.store.spec-support';

describe('RedisStore with encryption at rest (real redis-server)', () => {
  const t = useRedisStores();

  it('a value that does not decrypt is a miss, removed, and counted as a decrypt failure, not as corrupted', async () => {
    const counts = { corrupted: 0, decrypt: 0 };
    const sealer = new AesGcmSealer({ keys: new Map([['k1', createSecretKey(randomBytes(32))]]), activeKeyId: 'k1' });
    const onOpenFailure = () => counts.decrypt++;
    const encrypted = t.makeStore({ codec: codecFor({ sealer, onOpenFailure }), observer: { corruptedEntry: () => counts.corrupted++ } });
    await encrypted.connect();
    await encrypted.set('sealed', ...entryFor('secret answer', 60_000));
    expect((await encrypted.get('sealed'))?.entry.value).toBe('secret answer');
    expect((await t.inspector.getBuffer('ai_cache:sealed'))!.includes(Buffer.from('secret answer'))).toBe(false);

    const bytes = (await t.inspector.getBuffer('ai_cache:sealed'))!;
    bytes[bytes.length - 1] ^= 1;
    await t.inspector.set('ai_cache:sealed', bytes, 'PX', 60_000);
    expect(await encrypted.get('sealed')).toBeUndefined();
    expect(await t.inspector.exists('ai_cache:sealed')).toBe(0);
    expect(counts).toEqual({ corrupted: 0, decrypt: 1 });
    // Junk under our key is still a corrupted entry.
    await t.inspector.set('ai_cache:junk', 'not ours');
    expect(await encrypted.get('junk')).toBeUndefined();
    expect(counts).toEqual({ corrupted: 1, decrypt: 1 });
  });
});
