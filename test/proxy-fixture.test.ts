/**
 * Proves the real-proxy fixtures (tinyproxy, squid) and TLS helpers work with
 * undici's ProxyAgent, and pins down how each proxy and undici react to
 * wrong or missing proxy credentials, so later proxy tests can rely on it.
 */
import { X509Certificate } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { Agent, errors, ProxyAgent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  ProxyStartError,
  startSquid,
  startTinyproxy,
  type RunningProxy,
} from './helpers/proxies.js';
import {
  selfSignedCertificate,
  startHttpServer,
  startHttpsServer,
  testPki,
  type TestPki,
  type TestServer,
} from './helpers/tls.js';

const RAW_TIMEOUT_MS = 5_000;

function echo(req: IncomingMessage, res: ServerResponse): void {
  const peerCert = 'getPeerCertificate' in req.socket
    ? (req.socket as import('node:tls').TLSSocket).getPeerCertificate()
    : undefined;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({
    method: req.method,
    url: req.url,
    via: req.headers.via ?? null,
    proxyAuthorization: req.headers['proxy-authorization'] ?? null,
    clientCertSubject: peerCert?.subject?.CN ?? null,
  }));
}

interface RawHead {
  status: number;
  headers: Record<string, string>;
}

/** Sends one raw request to the proxy and parses the status line and headers of its answer. */
function rawProxyRequest(port: number, text: string): Promise<RawHead> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let received = '';
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(RAW_TIMEOUT_MS, () => fail(new Error(`no complete response head: ${JSON.stringify(received)}`)));
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.destroy();
      const [statusLine = '', ...lines] = received.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers });
    });
  });
}

function rawGet(proxy: RunningProxy, target: string, authorization?: string): Promise<RawHead> {
  const host = new URL(target).host;
  const auth = authorization ? `Proxy-Authorization: ${authorization}\r\n` : '';
  return rawProxyRequest(proxy.port, `GET ${target}/raw HTTP/1.1\r\nHost: ${host}\r\n${auth}Connection: close\r\n\r\n`);
}

function rawConnect(proxy: RunningProxy, target: string, authorization?: string): Promise<RawHead> {
  const host = new URL(target).host;
  const auth = authorization ? `Proxy-Authorization: ${authorization}\r\n` : '';
  return rawProxyRequest(proxy.port, `CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`);
}

/** Records every CONNECT tunnel undici opens, to prove a request really went through one. */
function recordTunnels(): { paths: string[]; stop(): void } {
  const paths: string[] = [];
  const listener = (message: unknown) => {
    paths.push((message as { connectParams: { path: string } }).connectParams.path);
  };
  diagnosticsChannel.subscribe('undici:proxy:connected', listener);
  return { paths, stop: () => diagnosticsChannel.unsubscribe('undici:proxy:connected', listener) };
}

const fixtures = [
  // tinyproxy sends 401 + WWW-Authenticate for bad credentials, 407 only when they are absent.
  { name: 'tinyproxy', start: startTinyproxy, wrongCredentialsStatus: 401, challengeHeader: 'www-authenticate', realm: 'Tinyproxy' },
  { name: 'squid', start: startSquid, wrongCredentialsStatus: 407, challengeHeader: 'proxy-authenticate', realm: 'sessio-test' },
] as const;

describe.each(fixtures)('$name fixture', ({ name, start, wrongCredentialsStatus, challengeHeader, realm }) => {
  let proxy: RunningProxy;
  let pki: TestPki;
  let httpOrigin: TestServer<import('node:http').Server>;
  let httpsOrigin: TestServer<import('node:https').Server>;
  let mtlsOrigin: TestServer<import('node:https').Server>;
  const agents: ProxyAgent[] = [];

  beforeAll(async () => {
    pki = await testPki();
    proxy = await start();
    httpOrigin = await startHttpServer(echo);
    httpsOrigin = await startHttpsServer(echo);
    mtlsOrigin = await startHttpsServer(echo, {
      key: pki.serverKey,
      cert: pki.serverCert,
      ca: pki.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  afterAll(async () => {
    await Promise.all([proxy?.stop(), httpOrigin?.close(), httpsOrigin?.close(), mtlsOrigin?.close()]);
  });

  function agentWith(token: string | undefined, extra: Partial<ProxyAgent.Options> = {}): ProxyAgent {
    const agent = new ProxyAgent({ uri: proxy.url, ...(token ? { token } : {}), requestTls: { ca: pki.ca }, ...extra });
    agents.push(agent);
    return agent;
  }

  const wrongToken = () => basicAuthorization(proxy.user, 'not-the-password');

  it('listens on 127.0.0.1 with an http:// URL and its own port', () => {
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.port).toBeGreaterThan(0);
  });

  it('forwards plain HTTP in absolute form when proxyTunnel is false, adding Via and stripping Proxy-Authorization', async () => {
    const res = await request(`${httpOrigin.url}/plain?q=1`, { dispatcher: agentWith(proxy.proxyAuthorization, { proxyTunnel: false }) });
    const body = (await res.body.json()) as { url: string; via: string | null; proxyAuthorization: string | null };
    expect(res.statusCode).toBe(200);
    expect(body.url).toBe('/plain?q=1');
    expect(body.via).toContain(name);
    expect(body.proxyAuthorization).toBeNull();
  });

  it('tunnels plain HTTP through CONNECT by default (undici 7 ProxyAgent proxyTunnel: true)', async () => {
    const tunnels = recordTunnels();
    try {
      const res = await request(`${httpOrigin.url}/tunnelled`, { dispatcher: agentWith(proxy.proxyAuthorization) });
      const body = (await res.body.json()) as { url: string; via: string | null };
      expect(res.statusCode).toBe(200);
      expect(body.url).toBe('/tunnelled');
      expect(body.via).toBeNull();
      expect(tunnels.paths).toContain(`127.0.0.1:${httpOrigin.port}`);
    } finally {
      tunnels.stop();
    }
  });

  it('reaches an HTTPS origin on an ephemeral port via CONNECT, trusting the generated CA', async () => {
    const tunnels = recordTunnels();
    try {
      const res = await request(`${httpsOrigin.url}/secure`, { dispatcher: agentWith(proxy.proxyAuthorization) });
      const body = (await res.body.json()) as { url: string };
      expect(res.statusCode).toBe(200);
      expect(body.url).toBe('/secure');
      expect(tunnels.paths).toContain(`127.0.0.1:${httpsOrigin.port}`);
    } finally {
      tunnels.stop();
    }
  });

  it('carries a client certificate end to end through the tunnel (mTLS)', async () => {
    const agent = agentWith(proxy.proxyAuthorization, {
      requestTls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    });
    const res = await request(`${mtlsOrigin.url}/mtls`, { dispatcher: agent });
    const body = (await res.body.json()) as { clientCertSubject: string | null };
    expect(res.statusCode).toBe(200);
    expect(body.clientCertSubject).toBe('sessio test client');
  });

  it(`answers wrong credentials with ${wrongCredentialsStatus} for both GET and CONNECT`, async () => {
    for (const head of [await rawGet(proxy, httpOrigin.url, wrongToken()), await rawConnect(proxy, httpsOrigin.url, wrongToken())]) {
      expect(head.status).toBe(wrongCredentialsStatus);
      expect(head.headers[challengeHeader]).toBe(`Basic realm="${realm}"`);
    }
  });

  it('answers missing credentials with 407 and Proxy-Authenticate for both GET and CONNECT', async () => {
    for (const head of [await rawGet(proxy, httpOrigin.url), await rawConnect(proxy, httpsOrigin.url)]) {
      expect(head.status).toBe(407);
      expect(head.headers['proxy-authenticate']).toBe(`Basic realm="${realm}"`);
    }
  });

  it('makes undici reject a CONNECT with wrong credentials as RequestAbortedError naming the status', async () => {
    for (const target of [httpsOrigin.url, httpOrigin.url]) {
      const err = await request(`${target}/x`, { dispatcher: agentWith(wrongToken()) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(errors.RequestAbortedError);
      expect((err as Error).message).toBe(`Proxy response (${wrongCredentialsStatus}) !== 200 when HTTP Tunneling`);
    }
  });

  it('makes undici reject a CONNECT without credentials as RequestAbortedError (407)', async () => {
    const err = await request(`${httpsOrigin.url}/x`, { dispatcher: agentWith(undefined) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(errors.RequestAbortedError);
    expect((err as Error).message).toBe('Proxy response (407) !== 200 when HTTP Tunneling');
  });

  it('in forward mode, wrong credentials surface as undici reacts to the proxy status', async () => {
    const pending = request(`${httpOrigin.url}/x`, { dispatcher: agentWith(wrongToken(), { proxyTunnel: false }) });
    if (wrongCredentialsStatus === 407) {
      // undici's Http1ProxyWrapper turns only a 407 into an error.
      await expect(pending).rejects.toThrow(errors.InvalidArgumentError);
      await expect(pending).rejects.toThrow('Proxy Authentication Required (407)');
    } else {
      // tinyproxy's 401 passes through as if the origin had answered it.
      const res = await pending;
      await res.body.dump();
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe(`Basic realm="${realm}"`);
    }
  });

  it('in forward mode, missing credentials make undici throw InvalidArgumentError (407)', async () => {
    const pending = request(`${httpOrigin.url}/x`, { dispatcher: agentWith(undefined, { proxyTunnel: false }) });
    await expect(pending).rejects.toThrow(errors.InvalidArgumentError);
    await expect(pending).rejects.toThrow('Proxy Authentication Required (407)');
  });
});

describe.each([
  { name: 'tinyproxy', start: startTinyproxy },
  { name: 'squid', start: startSquid },
] as const)('$name instances', ({ start }) => {
  it('run side by side on distinct ports, each with its own credentials', async () => {
    const origin = await startHttpServer(echo);
    const started = await Promise.allSettled([start({ user: 'ann', password: 'pw-one' }), start({ user: 'bob', password: 'pw-two' })]);
    const proxies = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
      const [first, second] = proxies as [RunningProxy, RunningProxy];
      expect(first.port).not.toBe(second.port);
      expect((await rawGet(first, origin.url, first.proxyAuthorization)).status).toBe(200);
      expect((await rawGet(second, origin.url, second.proxyAuthorization)).status).toBe(200);
      expect((await rawGet(second, origin.url, first.proxyAuthorization)).status).not.toBe(200);
    } finally {
      await Promise.all([...proxies.map((p) => p.stop()), origin.close()]);
    }
  });

  it('stops for good: the port refuses connections afterwards', async () => {
    const proxy = await start();
    await proxy.stop();
    await proxy.stop(); // idempotent
    await expect(rawProxyRequest(proxy.port, 'GET / HTTP/1.1\r\n\r\n')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects credentials that would break the config file, without echoing them', async () => {
    const err = await start({ password: 'with space' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyStartError);
    expect((err as Error).message).not.toContain('with space');
  });
});

describe('tls helpers', () => {
  it('generates a CA-signed server cert for 127.0.0.1 and a distinct self-signed one', async () => {
    const pki = await testPki();
    const self = await selfSignedCertificate();
    const ca = new X509Certificate(pki.ca);
    const server = new X509Certificate(pki.serverCert);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(new X509Certificate(pki.clientCert).checkIssued(ca)).toBe(true);
    expect(new X509Certificate(self.selfSignedCert).checkIssued(ca)).toBe(false);
    expect(await testPki()).toBe(pki); // cached per process
  });

  it('a self-signed server is rejected by a client that only trusts the test CA', async () => {
    const pki = await testPki();
    const self = await selfSignedCertificate();
    const server = await startHttpsServer(echo, { cert: self.selfSignedCert, key: self.selfSignedKey });
    const agent = new Agent({ connect: { ca: pki.ca } });
    try {
      await expect(request(`${server.url}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    } finally {
      await agent.close();
      await server.close();
    }
  });

  it('close() completes while a request is still in flight, cutting that connection', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    // The handler never answers: only a forced close of active sockets lets close() finish.
    const server = await startHttpServer(() => arrived());
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    try {
      const pending = request(`${server.url}/hang`, { dispatcher: agent });
      pending.catch(() => undefined);
      await requestArrived;
      await server.close();
      expect(server.server.listening).toBe(false);
      await expect(pending).rejects.toBeInstanceOf(errors.SocketError);
    } finally {
      await agent.destroy();
    }
  });
});
