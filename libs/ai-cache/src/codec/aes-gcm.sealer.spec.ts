import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { AesGcmSealer, MAX_KEY_ID_BYTES } from './aes-gcm.sealer';
import { SEALING_AES_256_GCM } from './envelope-header';

const keyA = createSecretKey(randomBytes(32));
const keyB = createSecretKey(randomBytes(32));
const sealerOf = (keys: Record<string, KeyObject>, activeKeyId: string) => new AesGcmSealer({ keys: new Map(Object.entries(keys)), activeKeyId });

const AAD = Buffer.concat([Buffer.alloc(24, 7), Buffer.from('ns:ai:summarize:abc')]);
const BODY = Buffer.from('{"t":1,"v":"the model said something private"}');

/** Where the parts of a value sealed under `id` sit. */
const layout = (id: string, sealed: Buffer) => {
  const ivStart = 1 + id.length;
  return { ivStart, dataStart: ivStart + 12, tagStart: sealed.length - 16 };
};

describe('AesGcmSealer', () => {
  const sealer = sealerOf({ a: keyA }, 'a');

  it('round-trips a body, marks its scheme, and bounds its overhead', () => {
    const sealed = sealer.seal(BODY, AAD);
    expect(sealer.sealingTag).toBe(SEALING_AES_256_GCM);
    expect(sealed.includes(Buffer.from('private'))).toBe(false);
    expect(sealed.length).toBe(BODY.length + 1 + 1 + 12 + 16);
    expect(sealed.length - BODY.length).toBeLessThanOrEqual(sealer.maxOverheadBytes);
    expect(sealer.open(sealed, AAD)).toEqual(BODY);
  });

  it('writes the layout it documents: id length, id, IV, ciphertext, tag: plain AES-256-GCM a third party can read', () => {
    const sealed = sealer.seal(BODY, AAD);
    expect(sealed[0]).toBe(1);
    expect(sealed.toString('latin1', 1, 2)).toBe('a');
    const { ivStart, dataStart, tagStart } = layout('a', sealed);
    const decipher = createDecipheriv('aes-256-gcm', keyA, sealed.subarray(ivStart, dataStart), { authTagLength: 16 });
    decipher.setAAD(Buffer.concat([AAD, sealed.subarray(0, ivStart)]));
    decipher.setAuthTag(sealed.subarray(tagStart));
    expect(Buffer.concat([decipher.update(sealed.subarray(dataStart, tagStart)), decipher.final()])).toEqual(BODY);
  });

  it('uses a fresh IV for every value: the same body sealed twice differs', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const sealed = sealer.seal(BODY, AAD);
      const { ivStart, dataStart } = layout('a', sealed);
      ivs.add(sealed.toString('hex', ivStart, dataStart));
    }
    // Across pool refills too (341 IVs per fill).
    expect(ivs.size).toBe(2000);
  });

  it('does not open a value whose IV, ciphertext, tag or key id was changed (every byte tried)', () => {
    const sealed = sealer.seal(BODY, AAD);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i] ^= 0x01;
      expect(sealer.open(tampered, AAD)).toBeUndefined();
    }
  });

  it('does not open a value bound to other associated data: another Redis key, or a changed header', () => {
    const sealed = sealer.seal(BODY, AAD);
    expect(sealer.open(sealed, Buffer.concat([Buffer.alloc(24, 7), Buffer.from('ns:ai:summarize:abd')]))).toBeUndefined();
    const header = Buffer.from(AAD);
    header[9] ^= 0x40; // the expiry
    expect(sealer.open(sealed, header)).toBeUndefined();
    expect(sealer.open(sealed, AAD.subarray(0, AAD.length - 1))).toBeUndefined();
    expect(sealer.open(sealed, Buffer.alloc(0))).toBeUndefined();
  });

  it('does not open truncated or extended values, whatever the cut, and never throws', () => {
    const sealed = sealer.seal(BODY, AAD);
    for (let length = 0; length < sealed.length; length++) expect(sealer.open(sealed.subarray(0, length), AAD)).toBeUndefined();
    expect(sealer.open(Buffer.concat([sealed, Buffer.from([0])]), AAD)).toBeUndefined();
    expect(sealer.open(Buffer.alloc(0), AAD)).toBeUndefined();
    expect(sealer.open(Buffer.from([0]), AAD)).toBeUndefined();
    expect(sealer.open(Buffer.from([200, 1, 2, 3]), AAD)).toBeUndefined(); // an id length beyond the bound
  });

  it('rotation: every configured key opens its values, new values use the active key', () => {
    const before = sealerOf({ a: keyA }, 'a');
    const rotated = sealerOf({ a: keyA, b: keyB }, 'b');
    const old = before.seal(BODY, AAD);
    const fresh = rotated.seal(BODY, AAD);
    expect(fresh.toString('latin1', 1, 1 + fresh[0])).toBe('b');
    expect(rotated.open(old, AAD)).toEqual(BODY);
    expect(rotated.open(fresh, AAD)).toEqual(BODY);
    // The old instance does not know b yet; once a is retired, its values no longer open.
    expect(before.open(fresh, AAD)).toBeUndefined();
    expect(sealerOf({ b: keyB }, 'b').open(old, AAD)).toBeUndefined();
  });

  it('an unknown key id, or a known id with another key behind it, does not open', () => {
    const sealed = sealerOf({ c: keyA }, 'c').seal(BODY, AAD);
    expect(sealer.open(sealed, AAD)).toBeUndefined(); // id c unknown here, same key bytes
    const otherKeyBehindA = sealerOf({ a: keyB }, 'a');
    expect(otherKeyBehindA.open(sealer.seal(BODY, AAD), AAD)).toBeUndefined();
  });

  it('a value re-labelled with another configured key id does not open (the id is authenticated)', () => {
    // Both ids hold the same key: only the associated data can tell the values apart.
    const twins = sealerOf({ x: keyA, y: keyA }, 'x');
    const sealed = twins.seal(BODY, AAD);
    const relabelled = Buffer.from(sealed);
    relabelled.write('y', 1, 'latin1');
    expect(twins.open(sealed, AAD)).toEqual(BODY);
    expect(twins.open(relabelled, AAD)).toBeUndefined();
  });

  it('a forged value without the id in its associated data does not open', () => {
    // What a sealer that forgot to authenticate the key id would write.
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyA, iv, { authTagLength: 16 });
    cipher.setAAD(AAD);
    const data = Buffer.concat([cipher.update(BODY), cipher.final()]);
    const forged = Buffer.concat([Buffer.from([1]), Buffer.from('a'), iv, data, cipher.getAuthTag()]);
    expect(sealer.open(forged, AAD)).toBeUndefined();
  });

  it('seals and opens a 1 MiB body', () => {
    const body = randomBytes(1024 * 1024);
    const sealed = sealer.seal(body, AAD);
    expect(sealed.length).toBe(body.length + 30);
    expect(sealer.open(sealed, AAD)?.equals(body)).toBe(true);
    sealed[512 * 1024] ^= 0x80;
    expect(sealer.open(sealed, AAD)).toBeUndefined();
  });

  it('accepts the longest id and bounds the overhead by it', () => {
    const longest = 'k'.repeat(MAX_KEY_ID_BYTES);
    const long = sealerOf({ [longest]: keyA }, longest);
    const sealed = long.seal(BODY, AAD);
    expect(sealed.length - BODY.length).toBe(long.maxOverheadBytes);
    expect(long.open(sealed, AAD)).toEqual(BODY);
  });

  it('refuses what the options resolver refuses: bad ids, keys of another size, an active id not among the keys', () => {
    expect(() => sealerOf({ 'bad id': keyA }, 'bad id')).toThrow(/key id/);
    expect(() => sealerOf({ ['k'.repeat(MAX_KEY_ID_BYTES + 1)]: keyA }, 'a')).toThrow(/key id/);
    expect(() => sealerOf({ a: createSecretKey(randomBytes(16)) }, 'a')).toThrow(/32-byte/);
    expect(() => sealerOf({ a: keyA }, 'b')).toThrow(/activeKeyId 'b'/);
  });
});
