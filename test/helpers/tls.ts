/**
 * TLS material and tiny HTTP/HTTPS servers for tests.
 *
 * Keys are generated at test time with the `openssl` command line so that no
 * private key is ever committed; they are cached per process because key
 * generation is the slow part and every test file only needs one set.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const OPENSSL_TIMEOUT_MS = 30_000;
const CERT_DAYS = '2';
const SERVER_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/** PEM strings of a test CA and the leaf certificates it signed. */
export interface TestPki {
  ca: string;
  caKey: string;
  /** Valid for `localhost` and `127.0.0.1`, signed by {@link TestPki.ca}. */
  serverCert: string;
  serverKey: string;
  /** Client-auth certificate signed by {@link TestPki.ca}. */
  clientCert: string;
  clientKey: string;
}

/** PEM strings of a self-signed certificate for `localhost` and `127.0.0.1`. */
export interface SelfSignedCertificate {
  selfSignedCert: string;
  selfSignedKey: string;
}

/** A running test server bound to 127.0.0.1 on an ephemeral port. */
export interface TestServer<S extends http.Server | https.Server> {
  /** Origin, e.g. `https://127.0.0.1:43210`. */
  url: string;
  port: number;
  server: S;
  /** Closes the listener and destroys every open socket, keep-alive ones included. */
  close(): Promise<void>;
}

let pkiPromise: Promise<TestPki> | undefined;
let selfSignedPromise: Promise<SelfSignedCertificate> | undefined;

/** A CA, a server certificate and a client certificate, generated once per process. */
export function testPki(): Promise<TestPki> {
  pkiPromise ??= withTempDir(generatePki);
  return pkiPromise;
}

/** A self-signed server certificate (no CA trusts it), generated once per process. */
export function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  selfSignedPromise ??= withTempDir(generateSelfSigned);
  return selfSignedPromise;
}

/**
 * Starts an HTTPS server on 127.0.0.1. Without `key`/`cert` in `tlsOpts` it
 * serves the {@link testPki} server certificate.
 */
export async function startHttpsServer(
  handler: http.RequestListener,
  tlsOpts: https.ServerOptions = {},
): Promise<TestServer<https.Server>> {
  const defaults: https.ServerOptions = tlsOpts.cert === undefined || tlsOpts.key === undefined
    ? await serverIdentity()
    : {};
  const server = https.createServer({ ...defaults, ...tlsOpts }, handler);
  return listenOnLoopback(server, 'https');
}

/** Starts a plain HTTP server on 127.0.0.1. */
export function startHttpServer(handler: http.RequestListener): Promise<TestServer<http.Server>> {
  return listenOnLoopback(http.createServer(handler), 'http');
}

async function serverIdentity(): Promise<https.ServerOptions> {
  const pki = await testPki();
  return { key: pki.serverKey, cert: pki.serverCert };
}

async function listenOnLoopback<S extends http.Server | https.Server>(
  server: S,
  scheme: 'http' | 'https',
): Promise<TestServer<S>> {
  // closeAllConnections() does not see sockets taken over by CONNECT/upgrade,
  // so every raw socket is tracked to make close() complete.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    server,
    close: () => closeServer(server, sockets),
  };
}

function closeServer(server: http.Server | https.Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(err) : resolve()));
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  });
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sessio-tls-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd, timeout: OPENSSL_TIMEOUT_MS });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('openssl command line not found: install it (Debian: apt-get install -y openssl)');
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

// EC P-256 keys: an order of magnitude faster to generate than RSA, accepted everywhere.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function generatePki(dir: string): Promise<TestPki> {
  await openssl([
    'req', '-x509', ...NEW_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', CERT_DAYS,
    '-subj', '/CN=sessio test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ], dir);
  await signLeaf(dir, 'server', '/CN=localhost', [SERVER_NAMES, 'extendedKeyUsage=serverAuth']);
  await signLeaf(dir, 'client', '/CN=sessio test client', ['extendedKeyUsage=clientAuth']);
  const read = (name: string) => readFile(path.join(dir, name), 'utf8');
  return {
    ca: await read('ca.pem'),
    caKey: await read('ca.key'),
    serverCert: await read('server.pem'),
    serverKey: await read('server.key'),
    clientCert: await read('client.pem'),
    clientKey: await read('client.key'),
  };
}

async function signLeaf(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  const extFile = `${name}.ext`;
  await writeFile(
    path.join(dir, extFile),
    ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n') + '\n',
  );
  await openssl(['req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await openssl([
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', `${name}.pem`, '-days', CERT_DAYS, '-extfile', extFile,
  ], dir);
}

async function generateSelfSigned(dir: string): Promise<SelfSignedCertificate> {
  await openssl([
    'req', '-x509', ...NEW_KEY, '-keyout', 'self.key', '-out', 'self.pem', '-days', CERT_DAYS,
    '-subj', '/CN=localhost', '-addext', SERVER_NAMES,
  ], dir);
  return {
    selfSignedCert: await readFile(path.join(dir, 'self.pem'), 'utf8'),
    selfSignedKey: await readFile(path.join(dir, 'self.key'), 'utf8'),
  };
}
