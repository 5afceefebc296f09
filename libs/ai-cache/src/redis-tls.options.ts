import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CacheOptionsError } from './cache-options.error';
import type { PemInput, RedisTlsOptions } from './interfaces/cache-module-options.interface';
import type { ResolvedRedisTlsOptions } from './interfaces/resolved-cache-options.interface';

/**
 * The `redis.tls` option: validated at bootstrap so that a wrong CA file, a key without its
 * certificate or a file path given where PEM text belongs fails with the option's name, instead of
 * a TLS error at connect time that would only make the cache start degraded.
 */

const KNOWN_TLS_OPTIONS: ReadonlySet<string> = new Set(['ca', 'cert', 'key', 'servername', 'rejectUnauthorized']);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** The environment variables that name PEM files, by the option they fill. */
export const REDIS_TLS_FILE_ENV = { ca: 'REDIS_TLS_CA_FILE', cert: 'REDIS_TLS_CERT_FILE', key: 'REDIS_TLS_KEY_FILE' } as const;

type PemField = keyof typeof REDIS_TLS_FILE_ENV;

function pemText(value: unknown, option: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new CacheOptionsError(option, 'expected PEM text as a string or Buffer', value);
}

/** Every PEM block of `value` with its label (`CERTIFICATE`, `PRIVATE KEY`, …). */
function pemBlocks(value: unknown, option: string): Array<{ label: string; pem: string }> {
  const text = pemText(value, option);
  const blocks = [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1], pem: match[0] }));
  if (blocks.length === 0) {
    const hint = /^\S+\.(pem|crt|cer|key)$/i.test(text.trim()) ? ': this looks like a file path; pass the file contents (readFileSync) or use REDIS_TLS_*_FILE' : '';
    throw new CacheOptionsError(option, `expected PEM text (-----BEGIN …-----)${hint}`, value);
  }
  return blocks;
}

/** Parses every certificate of a PEM value (a bundle or chain may hold several); returns the first. */
function certificates(value: unknown, option: string): X509Certificate {
  const parsed = pemBlocks(value, option).map(({ label, pem }) => {
    if (label !== 'CERTIFICATE') throw new CacheOptionsError(option, `expected certificates only, found a ${label} block`, value);
    try {
      return new X509Certificate(pem);
    } catch (error) {
      throw new CacheOptionsError(option, `not a valid PEM certificate (${(error as Error).message})`, value);
    }
  });
  return parsed[0];
}

function privateKey(value: unknown, option: string): KeyObject {
  const [block] = pemBlocks(value, option);
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block.pem)) {
    throw new CacheOptionsError(option, 'expected an unencrypted private key (encrypted keys are not supported)', value);
  }
  try {
    return createPrivateKey(block.pem);
  } catch (error) {
    throw new CacheOptionsError(option, `not a valid PEM private key (${(error as Error).message})`, value);
  }
}

function caOption(value: unknown): PemInput | PemInput[] {
  if (!Array.isArray(value)) {
    certificates(value, 'redis.tls.ca');
    return value as PemInput;
  }
  if (value.length === 0) throw new CacheOptionsError('redis.tls.ca', 'expected at least one CA certificate', value);
  value.forEach((entry, i) => certificates(entry, `redis.tls.ca[${i}]`));
  return value as PemInput[];
}

/** Never show a password in an error message. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * Validates `redis.tls` (undefined when not given). TLS options apply to the connections the library
 * opens, so they conflict with a plaintext `redis://` url and with a user's own client.
 */
export function resolveRedisTls(raw: unknown, redis: { url?: unknown; client?: unknown }): ResolvedRedisTlsOptions | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CacheOptionsError('redis.tls', 'expected an object', raw);
  const tls = raw as Record<string, unknown>;
  for (const key of Object.keys(tls)) {
    if (!KNOWN_TLS_OPTIONS.has(key)) {
      throw new CacheOptionsError(`redis.tls.${key}`, `unknown option; expected one of ${[...KNOWN_TLS_OPTIONS].join(', ')}`, tls[key]);
    }
  }
  if (redis.client !== undefined) {
    throw new CacheOptionsError('redis.tls', 'applies only to connections the library opens: configure TLS on the client given as redis.client', raw);
  }
  if (typeof redis.url === 'string' && /^redis:\/\//i.test(redis.url)) {
    throw new CacheOptionsError('redis.url', 'redis.tls is set, so the url must use rediss:// (TLS), not redis://', redactUrl(redis.url));
  }
  const resolved: ResolvedRedisTlsOptions = { rejectUnauthorized: true };
  if (tls.ca !== undefined) resolved.ca = caOption(tls.ca);
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? 'cert' : 'key';
    throw new CacheOptionsError(`redis.tls.${missing}`, `required with redis.tls.${missing === 'cert' ? 'key' : 'cert'} (mutual TLS needs both)`, undefined);
  }
  if (tls.cert !== undefined) {
    const leaf = certificates(tls.cert, 'redis.tls.cert');
    if (!leaf.checkPrivateKey(privateKey(tls.key, 'redis.tls.key'))) {
      throw new CacheOptionsError('redis.tls.key', 'does not match the certificate in redis.tls.cert', '(a private key)');
    }
    resolved.cert = tls.cert as PemInput;
    resolved.key = tls.key as PemInput;
  }
  if (tls.servername !== undefined) {
    if (typeof tls.servername !== 'string' || !/^[^\s]{1,253}$/.test(tls.servername)) {
      throw new CacheOptionsError('redis.tls.servername', 'expected a host name', tls.servername);
    }
    resolved.servername = tls.servername;
  }
  if (tls.rejectUnauthorized !== undefined) {
    if (typeof tls.rejectUnauthorized !== 'boolean') throw new CacheOptionsError('redis.tls.rejectUnauthorized', 'expected a boolean', tls.rejectUnauthorized);
    resolved.rejectUnauthorized = tls.rejectUnauthorized;
  }
  return resolved;
}

/**
 * `redis.tls` from `REDIS_TLS_CA_FILE`, `REDIS_TLS_CERT_FILE` and `REDIS_TLS_KEY_FILE`, read when the
 * config is built (so a missing or unreadable file fails bootstrap naming its variable); undefined
 * when none is set.
 */
export function redisTlsFromEnv(env: Record<string, string | undefined>): RedisTlsOptions | undefined {
  const tls: RedisTlsOptions = {};
  for (const field of Object.keys(REDIS_TLS_FILE_ENV) as PemField[]) {
    const variable = REDIS_TLS_FILE_ENV[field];
    const path = env[variable]?.trim();
    if (!path) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CacheOptionsError(`redis.tls.${field}`, `cannot read the file named by ${variable} (${reason})`, path);
    }
    if (!text.includes('-----BEGIN ')) throw new CacheOptionsError(`redis.tls.${field}`, `the file named by ${variable} holds no PEM data`, path);
    tls[field] = text;
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}
