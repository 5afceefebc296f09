import { createSecretKey, type KeyObject } from 'node:crypto';
import { CacheOptionsError, RedactedValue } from './cache-options.error';
import { KEY_BYTES, KEY_ID_PATTERN } from './codec/aes-gcm.sealer';
import type { CacheEncryptionOptions } from './interfaces/cache-module-options.interface';
import type { ResolvedEncryptionOptions } from './interfaces/resolved-cache-options.interface';

/**
 * The `encryption` option, validated at bootstrap. Key material never appears in an error or a log
 * line: values are described by their kind and size only, and so is anything that might be a key
 * given in the wrong place (an unknown field, an `activeKeyId` that is not an id).
 */

export const ENCRYPTION_KEYS_ENV = 'CACHE_ENCRYPTION_KEYS';
export const ENCRYPTION_ACTIVE_KEY_ENV = 'CACHE_ENCRYPTION_ACTIVE_KEY';

const KNOWN_ENCRYPTION_OPTIONS: ReadonlySet<string> = new Set(['keys', 'activeKeyId']);
const HOW_TO_MAKE_A_KEY = 'a Buffer of 32 bytes or base64 text of 32 bytes (openssl rand -base64 32)';

/** What a value is, never what it holds. */
function redacted(value: unknown): RedactedValue {
  if (typeof value === 'string') return new RedactedValue(`a string of ${value.length} characters`);
  if (Buffer.isBuffer(value)) return new RedactedValue(`a Buffer of ${value.length} bytes`);
  if (value === null || value === undefined) return new RedactedValue(String(value));
  return new RedactedValue(Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
}

/** An id is shown only when it could not be a key (ids are at most 32 characters, a base64 key is 44). */
function shownId(id: string): string {
  return id.length <= 32 ? JSON.stringify(id) : `of ${id.length} characters`;
}

/** The 32 bytes of base64 text (standard or URL-safe alphabet, padding optional), or undefined if it is not strict base64. */
function decodeBase64(text: string): Buffer | undefined {
  const normalized = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(normalized)) return undefined;
  const bytes = Buffer.from(normalized, 'base64');
  // Node's decoder skips what it cannot read: re-encoding catches stray characters and truncation.
  return bytes.toString('base64').replace(/=+$/, '') === normalized ? bytes : undefined;
}

function secretKey(value: unknown, id: string): KeyObject {
  const option = `encryption.keys.${id}`;
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(value)) bytes = value;
  else if (typeof value === 'string') {
    bytes = decodeBase64(value);
    if (!bytes) throw new CacheOptionsError(option, `not base64 text; expected ${HOW_TO_MAKE_A_KEY}`, redacted(value));
  } else {
    throw new CacheOptionsError(option, `expected ${HOW_TO_MAKE_A_KEY}`, redacted(value));
  }
  if (bytes.length !== KEY_BYTES) {
    const source = Buffer.isBuffer(value) ? `${bytes.length} bytes` : `base64 text of ${bytes.length} bytes`;
    throw new CacheOptionsError(option, `an AES-256 key is exactly ${KEY_BYTES} bytes, got ${source}; expected ${HOW_TO_MAKE_A_KEY}`, redacted(value));
  }
  // A copy in a KeyObject: later changes to the caller's Buffer do not affect it, and it never prints.
  return createSecretKey(Buffer.from(bytes));
}

/** Validates `encryption` (undefined when not given). */
export function resolveEncryption(raw: unknown): ResolvedEncryptionOptions | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CacheOptionsError('encryption', 'expected { keys, activeKeyId }', redacted(raw));
  const encryption = raw as Record<string, unknown>;
  for (const field of Object.keys(encryption)) {
    if (!KNOWN_ENCRYPTION_OPTIONS.has(field)) {
      throw new CacheOptionsError(`encryption.${field}`, `unknown option; expected one of ${[...KNOWN_ENCRYPTION_OPTIONS].join(', ')}`, redacted(encryption[field]));
    }
  }
  const rawKeys = encryption.keys;
  if (rawKeys === null || typeof rawKeys !== 'object' || Array.isArray(rawKeys) || Buffer.isBuffer(rawKeys)) {
    throw new CacheOptionsError('encryption.keys', 'expected an object of key id → 32-byte key', redacted(rawKeys));
  }
  const ids = Object.keys(rawKeys);
  if (ids.length === 0) throw new CacheOptionsError('encryption.keys', 'expected at least one key', new RedactedValue('an empty object'));
  const keys = new Map<string, KeyObject>();
  for (const id of ids) {
    if (!KEY_ID_PATTERN.test(id)) {
      throw new CacheOptionsError('encryption.keys', `key id ${shownId(id)} is not valid: ids are 1-32 characters from letters, digits, _ . -`, redacted(id));
    }
    keys.set(id, secretKey((rawKeys as Record<string, unknown>)[id], id));
  }
  const activeKeyId = encryption.activeKeyId;
  const known = ids.map((id) => `'${id}'`).join(', ');
  if (activeKeyId === undefined) {
    throw new CacheOptionsError('encryption.activeKeyId', `required: the id of the key that encrypts new values, one of ${known} (env ${ENCRYPTION_ACTIVE_KEY_ENV})`, undefined);
  }
  if (typeof activeKeyId !== 'string' || !keys.has(activeKeyId)) {
    // A key pasted where its id belongs must not be echoed back.
    const looksLikeKey = typeof activeKeyId === 'string' && decodeBase64(activeKeyId)?.length === KEY_BYTES;
    const hint = looksLikeKey ? ' (this looks like a key: give its id here, and the key in encryption.keys)' : '';
    const received = typeof activeKeyId === 'string' && KEY_ID_PATTERN.test(activeKeyId) && !looksLikeKey ? activeKeyId : redacted(activeKeyId);
    throw new CacheOptionsError('encryption.activeKeyId', `expected one of the ids in encryption.keys: ${known}${hint}`, received);
  }
  return { keys, activeKeyId };
}

/**
 * `encryption` from `CACHE_ENCRYPTION_KEYS` (`id1:base64,id2:base64`) and `CACHE_ENCRYPTION_ACTIVE_KEY`
 * (an id); undefined when neither is set. Keys are validated by the resolver, like options.
 */
export function encryptionFromEnv(env: Record<string, string | undefined>): CacheEncryptionOptions | undefined {
  const list = env[ENCRYPTION_KEYS_ENV]?.trim();
  const activeKeyId = env[ENCRYPTION_ACTIVE_KEY_ENV]?.trim() || undefined;
  if (!list) {
    if (activeKeyId === undefined) return undefined;
    throw new CacheOptionsError('encryption.keys', `${ENCRYPTION_ACTIVE_KEY_ENV} is set but ${ENCRYPTION_KEYS_ENV} is not: give the keys as 'id:base64' pairs separated by commas`, undefined);
  }
  const keys = new Map<string, string>();
  const entries = list.split(',').map((entry) => entry.trim()).filter(Boolean);
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    // Never the entry itself in the message: it holds (or is) a key.
    if (colon <= 0) {
      throw new CacheOptionsError('encryption.keys', `${ENCRYPTION_KEYS_ENV} expects 'id:base64' pairs separated by commas; entry ${i + 1} of ${entries.length} has no id`, redacted(entry));
    }
    const id = entry.slice(0, colon).trim();
    if (keys.has(id)) {
      throw new CacheOptionsError(`encryption.keys.${KEY_ID_PATTERN.test(id) ? id : '?'}`, `the same key id appears twice in ${ENCRYPTION_KEYS_ENV}`, redacted(entry));
    }
    keys.set(id, entry.slice(colon + 1).trim());
  });
  // fromEntries defines own properties: an id such as `__proto__` stays an id (the resolver then refuses or uses it as one).
  const encryption = { keys: Object.fromEntries(keys) } as CacheEncryptionOptions;
  if (activeKeyId !== undefined) encryption.activeKeyId = activeKeyId;
  return encryption;
}
