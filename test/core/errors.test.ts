import net from 'node:net';
import type http from 'node:http';
import type https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConnectError, Session, SessioError, TLSError, TimeoutError } from '../../src/index.js';
import { selfSignedCertificate, startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

let slow: TestServer<http.Server>;
let silent: net.Server;
let silentPort: number;
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  slow = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const wait = Number(url.searchParams.get('wait') ?? 0);
    if (url.pathname === '/trickle') {
      res.write('a');
      setTimeout(() => res.end('b'), wait);
      return;
    }
    setTimeout(() => res.end('late'), wait);
  });
  // Accepts TCP but never speaks TLS: the handshake (part of connecting) never finishes.
  silent = net.createServer((s) => {
    silentSockets.add(s);
    s.on('close', () => silentSockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await slow.close();
  for (const s of silentSockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('timeouts', () => {
  it('total timeout names the phase, method and URL', async () => {
    await using s = new Session({ baseUrl: slow.url, timeout: 100 });
    const err = (await s.get('/?wait=2000').catch((e: unknown) => e)) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('total');
    expect(err.message).toMatch(/Timed out after 100 ms waiting for the whole request \(GET http:\/\/127\.0\.0\.1:\d+\/\?wait=2000\)/);
  });

  it('per-request timeout overrides the session one; null disables it', async () => {
    await using s = new Session({ baseUrl: slow.url, timeout: 50 });
    expect(await (await s.get('/?wait=150', { timeout: 5000 })).text()).toBe('late');
    expect(await (await s.get('/?wait=150', { timeout: null })).text()).toBe('late');
  });

  it('response timeout covers the wait for headers and between body chunks', async () => {
    await using s = new Session({ baseUrl: slow.url, timeout: { response: 100 } });
    const head = (await s.get('/?wait=2000').catch((e: unknown) => e)) as TimeoutError;
    expect(head).toBeInstanceOf(TimeoutError);
    expect(head.phase).toBe('response');
    const body = (await s.get('/trickle?wait=2000').catch((e: unknown) => e)) as TimeoutError;
    expect(body.phase).toBe('response');
  });

  it('connect timeout covers the TLS handshake', async () => {
    await using s = new Session({ timeout: { connect: 150 } });
    const err = (await s.get(`https://127.0.0.1:${silentPort}/`).catch((e: unknown) => e)) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.phase).toBe('connect');
  });

  it('an AbortSignal cancels with AbortError', async () => {
    await using s = new Session({ baseUrl: slow.url });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await s.get('/?wait=2000', { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await expect(s.get('/', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('connection and TLS errors', () => {
  it('ConnectError for a closed port, with a hint', async () => {
    const port = await closedPort();
    await using s = new Session();
    const err = await s.get(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).toBeInstanceOf(SessioError);
    expect(String(err)).toMatch(/Cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED \(GET http:\/\/127\.0\.0\.1:\d+\/x\)\. Is the server running/);
  });

  it('ConnectError for an unknown host name', async () => {
    await using s = new Session();
    await expect(s.get('http://no-such-host.invalid/')).rejects.toBeInstanceOf(ConnectError);
  });

  it('TLSError with a hint for a self-signed certificate', async () => {
    const { selfSignedCert, selfSignedKey } = await selfSignedCertificate();
    const srv = await startHttpsServer((_q, r) => r.end('ok'), { cert: selfSignedCert, key: selfSignedKey });
    try {
      await using s = new Session();
      const err = await s.get(srv.url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TLSError);
      expect(String(err)).toMatch(/self-signed.*tls: \{ ca \}/);
    } finally {
      await srv.close();
    }
  });
});

describe('TLS', () => {
  let srv: TestServer<https.Server>;
  beforeAll(async () => {
    const pki = await testPki();
    srv = await startHttpsServer((req, res) => {
      const cert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(cert?.subject?.CN ?? 'anonymous');
    }, { ca: pki.ca, requestCert: true, rejectUnauthorized: false });
  });
  afterAll(() => srv.close());

  it('trusts a custom CA and presents a client certificate (mTLS)', async () => {
    const pki = await testPki();
    await using s = new Session({ baseUrl: srv.url, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    expect(await (await s.get('/')).text()).toBe('sessio test client');
    await using anon = new Session({ baseUrl: srv.url, tls: { ca: pki.ca } });
    expect(await (await anon.get('/')).text()).toBe('anonymous');
  });

  it('rejectUnauthorized: false works and never shares a pool with verified requests', async () => {
    const pki = await testPki();
    await using s = new Session({ baseUrl: srv.url });
    await expect(s.get('/')).rejects.toBeInstanceOf(TLSError);
    expect(await (await s.get('/', { tls: { rejectUnauthorized: false } })).text()).toBe('anonymous');
    // A verified request after the insecure one must verify again, on its own connection.
    await expect(s.get('/')).rejects.toBeInstanceOf(TLSError);
    expect(await (await s.get('/', { tls: { ca: pki.ca } })).text()).toBe('anonymous');
  });
});
