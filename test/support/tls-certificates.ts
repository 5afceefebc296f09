/**
 * Certificates for TLS tests, made at test time with the `openssl` binary (nothing checked in, nothing
 * that expires in the repository): a CA, a server certificate for 127.0.0.1 / localhost signed by it,
 * a client certificate signed by it (mutual TLS), and a second, unrelated CA with a client certificate
 * of its own (what a client or server must refuse).
 *
 * Only Node built-ins and the `openssl` binary: the harness must not depend on the code it tests.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One certificate and its private key, as files (for redis-server / redis-cli) and as PEM text (for Node). */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** PEM of the certificate. */
  cert: string;
  /** PEM of the unencrypted private key. */
  key: string;
}

export interface TestCertificates {
  /** Temp dir holding every file; removed by `remove()` (and at process exit if a suite died first). */
  dir: string;
  /** The CA that signed `server` and `client`. */
  ca: CertificateFiles;
  /**
   * CN=localhost, SAN IP:127.0.0.1 and DNS:localhost. Usable as a client certificate too
   * (extendedKeyUsage serverAuth + clientAuth), because Redis Cluster nodes present it to each other on the bus.
   */
  server: CertificateFiles;
  /** A client certificate signed by `ca` (extendedKeyUsage clientAuth). */
  client: CertificateFiles;
  /** A CA that signed nothing the server uses: trusting it alone must fail verification. */
  otherCa: CertificateFiles;
  /** A client certificate signed by `otherCa`: a server requiring client certificates from `ca` refuses it. */
  untrustedClient: CertificateFiles;
  remove(): void;
}

const OPENSSL_TIMEOUT_MS = 15_000;
/** Short-lived on purpose: these exist for one test run. */
const VALIDITY_DAYS = '2';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const liveDirs = new Set<string>();
let exitHookInstalled = false;

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: OPENSSL_TIMEOUT_MS }, (error, _stdout, stderr) =>
      error ? reject(new Error(`openssl ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(),
    );
  });
}

function filesOf(dir: string, name: string): CertificateFiles {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

async function createCa(dir: string, name: string, commonName: string): Promise<CertificateFiles> {
  await openssl(
    [
      'req', '-x509', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', VALIDITY_DAYS,
      '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return filesOf(dir, name);
}

/** A leaf certificate signed by `ca`, with the given X.509 v3 extensions (one per line). */
async function createLeaf(dir: string, name: string, commonName: string, ca: CertificateFiles, extensions: string[]): Promise<CertificateFiles> {
  const extFile = `${name}.ext`;
  writeFileSync(join(dir, extFile), ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions, ''].join('\n'));
  await openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`], dir);
  await openssl(
    [
      'x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile,
      // A random serial instead of -CAcreateserial, which would write a .srl file next to the CA.
      '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-days', VALIDITY_DAYS, '-extfile', extFile, '-out', `${name}.crt`,
    ],
    dir,
  );
  return filesOf(dir, name);
}

/** Makes the CAs and certificates in a fresh temp dir (about a tenth of a second: EC P-256 keys). */
export async function createTestCertificates(): Promise<TestCertificates> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'tls-harness-'));
  liveDirs.add(dir);
  const remove = () => {
    liveDirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [ca, otherCa] = await Promise.all([createCa(dir, 'ca', 'nestjs-ai-cache test CA'), createCa(dir, 'other-ca', 'unrelated test CA')]);
    const [server, client, untrustedClient] = await Promise.all([
      createLeaf(dir, 'server', 'localhost', ca, ['extendedKeyUsage=serverAuth,clientAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost']),
      createLeaf(dir, 'client', 'nestjs-ai-cache test client', ca, ['extendedKeyUsage=clientAuth']),
      createLeaf(dir, 'untrusted-client', 'untrusted test client', otherCa, ['extendedKeyUsage=clientAuth']),
    ]);
    return { dir, ca, server, client, otherCa, untrustedClient, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}
