import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CacheOptionsError } from './cache-options.error';
import { encryptionFromEnv, resolveEncryption } from './encryption.options';
import { optionsErrorOf as errorOf } from '../../../test/support/options-error';

const keyText = randomBytes(32).toString('base64');
const otherKeyText = randomBytes(32).toString('base64');

/** The error names `option`, and holds no key material (neither a key's text nor any 12-character run of it). */
function expectFailure(run: () => unknown, option: string, secrets: string[] = [keyText, otherKeyText]): CacheOptionsError {
  const error = errorOf(run);
  expect(error.option).toBe(option);
  expect(error.message).toContain(`\`${option}\``);
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i += 4) expect(error.message.includes(secret.slice(i, i + 12))).toBe(false);
  }
  return error;
}

describe('resolveEncryption', () => {
  it('is undefined when not given', () => {
    expect(resolveEncryption(undefined)).toBeUndefined();
  });

  it('accepts base64 text (standard or URL-safe, padded or not) and Buffers of 32 bytes, as secret KeyObjects', () => {
    const buffer = randomBytes(32);
    const resolved = resolveEncryption({
      keys: { k1: keyText, 'k-2': buffer, k_3: ` ${keyText}\n`, 'k.4': buffer.toString('base64url'), k5: keyText.replace(/=+$/, '') },
      activeKeyId: 'k-2',
    });
    expect(resolved?.activeKeyId).toBe('k-2');
    expect([...resolved!.keys.keys()]).toEqual(['k1', 'k-2', 'k_3', 'k.4', 'k5']);
    for (const key of resolved!.keys.values()) expect(key).toMatchObject({ type: 'secret', symmetricKeySize: 32 });
    expect(resolved!.keys.get('k1')!.export().toString('base64')).toBe(keyText);
    expect(resolved!.keys.get('k.4')!.export().equals(buffer)).toBe(true);
  });

  it('keeps a copy: changing the Buffer given afterwards changes nothing', () => {
    const buffer = randomBytes(32);
    const copy = Buffer.from(buffer);
    const resolved = resolveEncryption({ keys: { k: buffer }, activeKeyId: 'k' });
    buffer.fill(0);
    expect(resolved!.keys.get('k')!.export().equals(copy)).toBe(true);
  });

  it('never shows a key when inspected or serialized', () => {
    const resolved = resolveEncryption({ keys: { k: keyText }, activeKeyId: 'k' });
    const hex = Buffer.from(keyText, 'base64').toString('hex');
    for (const shown of [inspect(resolved, { depth: 10 }), JSON.stringify(resolved), JSON.stringify([...resolved!.keys])]) {
      expect(shown.includes(keyText)).toBe(false);
      expect(shown.includes(hex)).toBe(false);
    }
  });

  it('fails naming encryption.keys.<id> for a key that is not 32 bytes, saying what it got but never the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(expectFailure(() => resolveEncryption({ keys: { k1: short }, activeKeyId: 'k1' }), 'encryption.keys.k1', [short]).message).toMatch(/exactly 32 bytes, got base64 text of 16 bytes/);
    expect(expectFailure(() => resolveEncryption({ keys: { k1: randomBytes(31) }, activeKeyId: 'k1' }), 'encryption.keys.k1').message).toMatch(/got 31 bytes.*a Buffer of 31 bytes/);
    const long = randomBytes(48).toString('base64');
    expectFailure(() => resolveEncryption({ keys: { ok: keyText, big: long }, activeKeyId: 'ok' }), 'encryption.keys.big', [keyText, long]);
  });

  it('fails naming encryption.keys.<id> for text that is not base64 (no lenient decoding), and for other types', () => {
    const notBase64 = `${keyText.slice(0, 20)}*${keyText.slice(21)}`;
    expect(expectFailure(() => resolveEncryption({ keys: { k: notBase64 }, activeKeyId: 'k' }), 'encryption.keys.k', [notBase64]).message).toMatch(/not base64.*a string of 44 characters/);
    const hex = randomBytes(32).toString('hex'); // 64 hex digits are valid base64 of 48 bytes
    expectFailure(() => resolveEncryption({ keys: { k: hex }, activeKeyId: 'k' }), 'encryption.keys.k', [hex]);
    expectFailure(() => resolveEncryption({ keys: { k: `${keyText}${keyText}` }, activeKeyId: 'k' }), 'encryption.keys.k');
    for (const value of [42, null, [keyText], { key: keyText }, new Uint8Array(32)]) {
      expectFailure(() => resolveEncryption({ keys: { k: value }, activeKeyId: 'k' }), 'encryption.keys.k');
    }
  });

  it('fails naming encryption.activeKeyId when it is missing or not one of the keys; a key given there is not echoed', () => {
    expect(expectFailure(() => resolveEncryption({ keys: { k1: keyText } }), 'encryption.activeKeyId').message).toMatch(/required.*'k1'.*CACHE_ENCRYPTION_ACTIVE_KEY/);
    expect(expectFailure(() => resolveEncryption({ keys: { k1: keyText, k2: otherKeyText }, activeKeyId: 'k3' }), 'encryption.activeKeyId').message).toMatch(
      /one of the ids in encryption.keys: 'k1', 'k2' \(received "k3"\)/,
    );
    expect(expectFailure(() => resolveEncryption({ keys: { k1: keyText }, activeKeyId: keyText }), 'encryption.activeKeyId').message).toMatch(/looks like a key/);
    expectFailure(() => resolveEncryption({ keys: { k1: keyText }, activeKeyId: 1 }), 'encryption.activeKeyId');
  });

  it('fails on key ids outside 1-32 of [A-Za-z0-9_.-], showing an id only when it cannot be a key', () => {
    for (const id of ['', 'a b', 'k:1', 'k,1', 'ключ', 'a'.repeat(33)]) {
      expectFailure(() => resolveEncryption({ keys: { [id]: keyText }, activeKeyId: id }), 'encryption.keys');
    }
    expect(errorOf(() => resolveEncryption({ keys: { 'a b': keyText }, activeKeyId: 'a b' })).message).toContain('"a b"');
    // A key pasted as an id (44 characters) is described by its length only.
    expectFailure(() => resolveEncryption({ keys: { [keyText]: otherKeyText }, activeKeyId: 'x' }), 'encryption.keys');
    expect(resolveEncryption({ keys: { ['a'.repeat(32)]: keyText }, activeKeyId: 'a'.repeat(32) })?.activeKeyId).toHaveLength(32);
  });

  it('rejects unknown fields (their values redacted), a non-object, and an empty key set', () => {
    expect(expectFailure(() => resolveEncryption({ keys: { k: keyText }, activeKeyId: 'k', key: otherKeyText }), 'encryption.key').message).toMatch(
      /unknown option; expected one of keys, activeKeyId \(received a string of 44 characters\)/,
    );
    expectFailure(() => resolveEncryption(keyText), 'encryption');
    expectFailure(() => resolveEncryption({ keys: keyText, activeKeyId: 'k' }), 'encryption.keys');
    expectFailure(() => resolveEncryption({ keys: [keyText], activeKeyId: 'k' }), 'encryption.keys');
    expectFailure(() => resolveEncryption({ keys: {}, activeKeyId: 'k' }), 'encryption.keys');
  });
});

describe('encryptionFromEnv', () => {
  it('is undefined when neither variable is set (or both are blank)', () => {
    expect(encryptionFromEnv({})).toBeUndefined();
    expect(encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: ' ', CACHE_ENCRYPTION_ACTIVE_KEY: '' })).toBeUndefined();
  });

  it("parses 'id:base64' pairs separated by commas (spaces allowed) and the active id", () => {
    expect(encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: ` old:${keyText} , new:${otherKeyText},`, CACHE_ENCRYPTION_ACTIVE_KEY: ' new ' })).toEqual({
      keys: { old: keyText, new: otherKeyText },
      activeKeyId: 'new',
    });
  });

  it('leaves a missing active id to the resolver, which names encryption.activeKeyId', () => {
    const options = encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: `k1:${keyText}` });
    expect(options).toEqual({ keys: { k1: keyText } });
    expectFailure(() => resolveEncryption(options), 'encryption.activeKeyId');
  });

  it('fails naming encryption.keys, never showing an entry, for a pair without an id, a repeated id, or an active id without keys', () => {
    expect(expectFailure(() => encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: `k1:${otherKeyText},${keyText}` }), 'encryption.keys').message).toMatch(
      /CACHE_ENCRYPTION_KEYS expects 'id:base64' pairs.*entry 2 of 2 has no id/,
    );
    expectFailure(() => encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: `:${keyText}` }), 'encryption.keys');
    expectFailure(() => encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: `k1:${keyText},k1:${otherKeyText}` }), 'encryption.keys.k1');
    expectFailure(() => encryptionFromEnv({ CACHE_ENCRYPTION_ACTIVE_KEY: 'k1' }), 'encryption.keys');
  });

  it('hands ids such as __proto__ to the resolver as plain ids', () => {
    const options = encryptionFromEnv({ CACHE_ENCRYPTION_KEYS: `__proto__:${keyText}`, CACHE_ENCRYPTION_ACTIVE_KEY: '__proto__' });
    expect(Object.keys(options!.keys)).toEqual(['__proto__']);
    expect(resolveEncryption(options)?.keys.get('__proto__')).toBeDefined();
  });
});
