import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, type TestCertificates } from '../../../test/support/tls-certificates';
import { cacheOptionsFromEnv } from './cache.config';
import { resolveCacheOptions } from './cache-options.resolver';
import { redisTlsFromEnv, resolveRedisTls } from './redis-tls.options';
import { optionsErrorOf as errorOf } from '../../../test/support/options-error';

const RESOLVED_URL = { url: 'rediss://cache.internal:6380' };

describe('redis.tls', () => {
  let certs: TestCertificates;
  let dir: string;

  beforeAll(async () => {
    certs = await createTestCertificates();
    dir = mkdtempSync(join(tmpdir(), 'redis-tls-options-'));
  });
  afterAll(() => {
    certs?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('resolveRedisTls', () => {
    it('is undefined when not given, and verifies certificates unless told otherwise', () => {
      expect(resolveRedisTls(undefined, RESOLVED_URL)).toBeUndefined();
      expect(resolveRedisTls({}, RESOLVED_URL)).toEqual({ rejectUnauthorized: true });
      expect(resolveRedisTls({ rejectUnauthorized: false }, RESOLVED_URL)).toEqual({ rejectUnauthorized: false });
    });

    it('accepts PEM as strings, Buffers, bundles and arrays, and passes them on unchanged', () => {
      const ca = Buffer.from(certs.ca.cert);
      const resolved = resolveRedisTls({ ca, cert: certs.client.cert, key: Buffer.from(certs.client.key), servername: 'localhost' }, RESOLVED_URL);
      expect(resolved).toEqual({ ca, cert: certs.client.cert, key: Buffer.from(certs.client.key), servername: 'localhost', rejectUnauthorized: true });
      expect(resolveRedisTls({ ca: certs.ca.cert + certs.otherCa.cert }, RESOLVED_URL)?.ca).toBe(certs.ca.cert + certs.otherCa.cert);
      expect(resolveRedisTls({ ca: [certs.ca.cert, Buffer.from(certs.otherCa.cert)] }, RESOLVED_URL)?.ca).toHaveLength(2);
    });

    it('rejects unknown keys and wrong types, naming redis.tls.<field>', () => {
      expect(errorOf(() => resolveRedisTls({ passphrase: 'x' }, RESOLVED_URL)).option).toBe('redis.tls.passphrase');
      expect(errorOf(() => resolveRedisTls('on', RESOLVED_URL)).option).toBe('redis.tls');
      expect(errorOf(() => resolveRedisTls({ ca: 42 }, RESOLVED_URL)).message).toContain('`redis.tls.ca`: expected PEM text as a string or Buffer');
      expect(errorOf(() => resolveRedisTls({ servername: '' }, RESOLVED_URL)).option).toBe('redis.tls.servername');
      expect(errorOf(() => resolveRedisTls({ servername: 7 }, RESOLVED_URL)).option).toBe('redis.tls.servername');
      const verification = errorOf(() => resolveRedisTls({ rejectUnauthorized: 'false' }, RESOLVED_URL));
      expect(verification.option).toBe('redis.tls.rejectUnauthorized');
      expect(verification.message).toContain('expected a boolean (received "false")');
    });

    it('rejects what is not a PEM certificate, with a hint for a file path', () => {
      const path = errorOf(() => resolveRedisTls({ ca: '/etc/ssl/certs/ca.pem' }, RESOLVED_URL));
      expect(path.option).toBe('redis.tls.ca');
      expect(path.message).toContain('looks like a file path');
      expect(errorOf(() => resolveRedisTls({ ca: [certs.ca.cert, 'nope'] }, RESOLVED_URL)).option).toBe('redis.tls.ca[1]');
      expect(errorOf(() => resolveRedisTls({ ca: [] }, RESOLVED_URL)).option).toBe('redis.tls.ca');
      expect(errorOf(() => resolveRedisTls({ ca: certs.ca.key }, RESOLVED_URL)).message).toContain('found a PRIVATE KEY block');
      const broken = certs.ca.cert.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
      expect(errorOf(() => resolveRedisTls({ ca: broken }, RESOLVED_URL)).message).toContain('not a valid PEM certificate');
    });

    it('needs cert and key together, and the key must be the certificate’s', () => {
      expect(errorOf(() => resolveRedisTls({ cert: certs.client.cert }, RESOLVED_URL)).option).toBe('redis.tls.key');
      expect(errorOf(() => resolveRedisTls({ key: certs.client.key }, RESOLVED_URL)).option).toBe('redis.tls.cert');
      const mismatch = errorOf(() => resolveRedisTls({ cert: certs.client.cert, key: certs.server.key }, RESOLVED_URL));
      expect(mismatch.option).toBe('redis.tls.key');
      expect(mismatch.message).toContain('does not match the certificate in redis.tls.cert');
      // The message never shows key material.
      expect(mismatch.message).not.toContain('PRIVATE KEY');
      expect(errorOf(() => resolveRedisTls({ cert: certs.client.cert, key: certs.client.cert }, RESOLVED_URL)).option).toBe('redis.tls.key');
    });

    it('refuses an encrypted private key (there is no passphrase option)', () => {
      const { privateKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
      });
      const error = errorOf(() => resolveRedisTls({ cert: certs.client.cert, key: privateKey }, RESOLVED_URL));
      expect(error.option).toBe('redis.tls.key');
      expect(error.message).toContain('unencrypted');
    });

    it('conflicts with a plaintext redis:// url (password hidden) and with a user-provided client', () => {
      const plaintext = errorOf(() => resolveRedisTls({}, { url: 'redis://app:s3cret@cache.internal:6379' }));
      expect(plaintext.option).toBe('redis.url');
      expect(plaintext.message).toContain('must use rediss://');
      expect(plaintext.message).not.toContain('s3cret');
      expect(errorOf(() => resolveRedisTls({}, { client: {} })).option).toBe('redis.tls');
      expect(resolveRedisTls({}, {})).toEqual({ rejectUnauthorized: true });
    });
  });

  describe('in resolveCacheOptions', () => {
    it('resolves redis.tls for a rediss:// url or a cluster, and leaves it out otherwise', () => {
      const resolved = resolveCacheOptions({ redis: { url: 'rediss://h:6380', tls: { ca: certs.ca.cert } } });
      expect(resolved.redis.tls).toEqual({ ca: certs.ca.cert, rejectUnauthorized: true });
      expect(resolveCacheOptions({ redis: { cluster: { nodes: ['h:7000'] }, tls: { servername: 'cache' } } }).redis.tls).toEqual({
        servername: 'cache',
        rejectUnauthorized: true,
      });
      expect(resolveCacheOptions({ redis: { url: 'rediss://h:6380' } }).redis.tls).toBeUndefined();
      expect(errorOf(() => resolveCacheOptions({ redis: { url: 'redis://h:6379', tls: {} } })).option).toBe('redis.url');
      expect(errorOf(() => resolveCacheOptions({ redis: { url: 'rediss://h:6380', tls: { verify: true } } as never })).option).toBe('redis.tls.verify');
    });
  });

  describe('from the environment', () => {
    const file = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };

    it('reads the files named by REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE', () => {
      const env = {
        REDIS_TLS_CA_FILE: ` ${certs.ca.certFile} `,
        REDIS_TLS_CERT_FILE: certs.client.certFile,
        REDIS_TLS_KEY_FILE: certs.client.keyFile,
      };
      expect(redisTlsFromEnv(env)).toEqual({ ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
      expect(redisTlsFromEnv({})).toBeUndefined();
      expect(redisTlsFromEnv({ REDIS_TLS_CA_FILE: '  ' })).toBeUndefined();
      const options = cacheOptionsFromEnv({ REDIS_URL: 'rediss://h:6380', ...env });
      expect(options.redis).toEqual({ url: 'rediss://h:6380', tls: { ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key } });
      expect(resolveCacheOptions(options).redis.tls).toMatchObject({ ca: certs.ca.cert, rejectUnauthorized: true });
    });

    it('fails naming the variable when a file is missing, unreadable or not PEM', () => {
      const missing = errorOf(() => redisTlsFromEnv({ REDIS_TLS_CA_FILE: join(dir, 'absent.pem') }));
      expect(missing.option).toBe('redis.tls.ca');
      expect(missing.message).toContain('cannot read the file named by REDIS_TLS_CA_FILE (ENOENT)');
      expect(errorOf(() => redisTlsFromEnv({ REDIS_TLS_KEY_FILE: dir })).message).toContain('REDIS_TLS_KEY_FILE (EISDIR)');
      const empty = errorOf(() => redisTlsFromEnv({ REDIS_TLS_CERT_FILE: file('empty.pem', '') }));
      expect(empty.message).toContain('the file named by REDIS_TLS_CERT_FILE holds no PEM data');
      expect(errorOf(() => cacheOptionsFromEnv({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: join(dir, 'nope') })).message).toContain('REDIS_TLS_CA_FILE');
    });
  });
});
