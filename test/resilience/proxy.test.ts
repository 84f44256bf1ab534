/**
 * Proxies through real tinyproxy and squid on 127.0.0.1 with Basic auth: plain-HTTP and HTTPS origins,
 * the proxy credentials never reaching an origin, selection from the environment with NO_PROXY, the
 * choice made again on each redirect hop, and wrong credentials surfacing as ProxyError.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxyError, Session, type SessionInit } from '../../src/index.js';
import { startSquid, startTinyproxy, type RunningProxy } from '../helpers/proxies.js';
import { startHttpServer, startHttpsServer, testPki, type TestPki, type TestServer } from '../helpers/tls.js';

interface Seen {
  url: string;
  via: string | null;
  proxyAuthorization: string | null;
  authorization: string | null;
}

/** An origin that records what reached it; `/redirect?to=URL` answers 302 to URL. */
async function origin(tls: boolean) {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    seen.push({
      url: req.url!,
      via: (req.headers.via as string | undefined) ?? null,
      proxyAuthorization: (req.headers['proxy-authorization'] as string | undefined) ?? null,
      authorization: req.headers.authorization ?? null,
    });
    const to = new URL(req.url!, 'http://x').searchParams.get('to');
    if (to) return void res.writeHead(302, { location: to }).end();
    if (req.url === '/origin-401') return void res.writeHead(401, { 'www-authenticate': 'Basic realm="origin"' }).end('origin says no');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url }));
  };
  const server: TestServer<import('node:http').Server> = tls ? await startHttpsServer(handler) : await startHttpServer(handler);
  return { server, seen };
}

/** Records the CONNECT tunnels undici opens (their `host:port`). */
function recordTunnels(): { paths: string[]; stop(): void } {
  const paths: string[] = [];
  const listener = (message: unknown) => void paths.push((message as { connectParams: { path: string } }).connectParams.path);
  diagnosticsChannel.subscribe('undici:proxy:connected', listener);
  return { paths, stop: () => diagnosticsChannel.unsubscribe('undici:proxy:connected', listener) };
}

const PROXY_ENV = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

/** Runs `fn` with exactly these proxy variables set, restoring the environment afterwards. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(PROXY_ENV.map((k) => [k, process.env[k]]));
  for (const k of PROXY_ENV) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of PROXY_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

function withCredentials(proxy: RunningProxy, password = proxy.password): string {
  const u = new URL(proxy.url);
  u.username = proxy.user;
  u.password = password;
  return u.href;
}

const fixtures = [
  { name: 'tinyproxy', start: startTinyproxy, wrongStatus: 401 },
  { name: 'squid', start: startSquid, wrongStatus: 407 },
] as const;

describe.each(fixtures)('through $name', ({ name, start, wrongStatus }) => {
  let proxy: RunningProxy;
  let pki: TestPki;
  let plain: Awaited<ReturnType<typeof origin>>;
  let secure: Awaited<ReturnType<typeof origin>>;
  const sessions: Session[] = [];

  beforeAll(async () => {
    pki = await testPki();
    [proxy, plain, secure] = await Promise.all([start(), origin(false), origin(true)]);
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    plain.seen.length = 0;
    secure.seen.length = 0;
  });

  afterAll(async () => {
    await Promise.all([proxy?.stop(), plain?.server.close(), secure?.server.close()]);
  });

  function session(init: SessionInit = {}): Session {
    const s = new Session({ tls: { ca: pki.ca }, trustEnv: false, ...init });
    sessions.push(s);
    return s;
  }

  it('forwards a plain-HTTP request; the proxy consumes Proxy-Authorization', async () => {
    const s = session({ proxy: withCredentials(proxy) });
    const res = await s.get(`${plain.server.url}/plain?q=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ url: '/plain?q=1' });
    expect(plain.seen).toHaveLength(1);
    expect(plain.seen[0]!.via).toContain(name);
    expect(plain.seen[0]!.proxyAuthorization).toBeNull();
  });

  it('tunnels HTTPS through CONNECT; the origin never sees Proxy-Authorization', async () => {
    const tunnels = recordTunnels();
    try {
      const s = session({ proxy: { url: withCredentials(proxy) } });
      const res = await s.get(`${secure.server.url}/secure`);
      expect(await res.json()).toEqual({ url: '/secure' });
      expect(tunnels.paths).toEqual([`127.0.0.1:${secure.server.port}`]);
      expect(secure.seen).toEqual([{ url: '/secure', via: null, proxyAuthorization: null, authorization: null }]);
    } finally {
      tunnels.stop();
    }
  });

  it('reuses a tunnel for keep-alive requests, and counts proxied sockets in stats()', async () => {
    const s = session({ proxy: withCredentials(proxy) });
    for (let i = 0; i < 5; i++) expect((await s.get(`${secure.server.url}/${i}`)).status).toBe(200);
    expect((await s.get(`${plain.server.url}/fwd`)).status).toBe(200);
    const stats = s.stats();
    // undici (7.x) opens a second tunnel after the first request; later requests reuse it.
    expect(stats[secure.server.url]?.requests).toBe(5);
    expect(stats[secure.server.url]?.connections).toBeGreaterThanOrEqual(1);
    expect(stats[secure.server.url]?.connections).toBeLessThanOrEqual(2);
    // A forwarded plain-HTTP request's socket goes to the proxy, and counts there.
    expect(stats[plain.server.url]).toMatchObject({ requests: 1, connections: 0 });
    expect(stats[proxy.url]?.connections).toBe(1);
  });

  it('drops a hand-set Proxy-Authorization header instead of sending it to the origin', async () => {
    const s = session({ proxy: withCredentials(proxy), headers: { 'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==' } });
    expect((await s.get(`${secure.server.url}/a`)).status).toBe(200);
    expect((await s.get(`${plain.server.url}/b`)).status).toBe(200);
    const direct = session({ headers: { 'Proxy-Authorization': 'Basic c2VjcmV0OnNlY3JldA==' } });
    expect((await direct.get(`${plain.server.url}/c`)).status).toBe(200);
    expect([...secure.seen, ...plain.seen].map((s) => s.proxyAuthorization)).toEqual([null, null, null]);
    expect(plain.seen.map((s) => s.via === null)).toEqual([false, true]);
  });

  it('keeps origin credentials for the origin: Authorization reaches it through the tunnel', async () => {
    const s = session({ proxy: withCredentials(proxy), auth: { username: 'alice', password: 'pw' } });
    await s.get(`${secure.server.url}/auth`);
    expect(secure.seen[0]!.authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
    expect(secure.seen[0]!.proxyAuthorization).toBeNull();
  });

  it('checks the origin certificate inside the tunnel, with the TLS settings of each request', async () => {
    const s = session({ proxy: withCredentials(proxy), tls: undefined });
    const err = (await s.get(`${secure.server.url}/untrusted`).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_TLS' });
    expect(err).not.toBeInstanceOf(ProxyError);
    // Same proxy, other TLS settings: another ProxyAgent, and this time the CA is trusted.
    expect((await s.get(`${secure.server.url}/trusted`, { tls: { ca: pki.ca } })).status).toBe(200);
    expect(secure.seen.map((x) => x.url)).toEqual(['/trusted']);
  });

  it(`turns wrong credentials (${wrongStatus}) into ProxyError for HTTP and HTTPS origins, without the password`, async () => {
    const s = session({ proxy: withCredentials(proxy, 'wrong-pass') });
    for (const target of [`${plain.server.url}/x`, `${secure.server.url}/x`]) {
      const err = await s.get(target).catch((e: unknown) => e);
      expect(err, target).toBeInstanceOf(ProxyError);
      const e = err as ProxyError;
      expect(e.code).toBe('ERR_PROXY');
      expect(e.status).toBe(wrongStatus);
      expect(e.proxy).toBe(`${proxy.url}/`);
      expect(e.message).toContain(`${proxy.url}/`);
      expect(e.message).toMatch(/rejected the proxy credentials/);
      expect(e.message).not.toContain('wrong-pass');
      expect(JSON.stringify(e)).not.toContain('wrong-pass');
    }
    expect([...plain.seen, ...secure.seen]).toEqual([]);
  });

  it('reports a tunnel the proxy cannot open (origin down) as a ProxyError with the status it gave', async () => {
    const gone = await startHttpsServer(() => undefined);
    await gone.close();
    const s = session({ proxy: withCredentials(proxy) });
    const err = (await s.get(`${gone.url}/x`).catch((e: unknown) => e)) as ProxyError;
    expect(err).toBeInstanceOf(ProxyError);
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(err.message).toContain(`refused to open a tunnel to 127.0.0.1:${gone.port}`);
  });

  it('turns missing credentials (407) into ProxyError that says credentials are needed', async () => {
    const s = session({ proxy: proxy.url });
    for (const target of [`${plain.server.url}/x`, `${secure.server.url}/x`]) {
      const err = (await s.get(target).catch((e: unknown) => e)) as ProxyError;
      expect(err).toBeInstanceOf(ProxyError);
      expect(err.status).toBe(407);
      expect(err.message).toMatch(/requires authentication/);
    }
  });

  it("passes an origin's own 401 through as a response, not as a ProxyError", async () => {
    const s = session({ proxy: withCredentials(proxy) });
    const res = await s.get(`${plain.server.url}/origin-401`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="origin"');
    expect(await res.text()).toBe('origin says no');
  });

  it('selects the proxy from the environment, honouring NO_PROXY by host:port', async () => {
    await withEnv({
      HTTP_PROXY: withCredentials(proxy),
      HTTPS_PROXY: withCredentials(proxy),
      NO_PROXY: `example.invalid, 127.0.0.1:${secure.server.port}`,
    }, async () => {
      const tunnels = recordTunnels();
      try {
        const s = session({ trustEnv: true });
        expect((await s.get(`${plain.server.url}/env`)).status).toBe(200);
        expect((await s.get(`${secure.server.url}/env`)).status).toBe(200);
        expect(plain.seen[0]!.via).toContain(name);
        expect(tunnels.paths).toEqual([]); // the HTTPS origin is in NO_PROXY: direct
      } finally {
        tunnels.stop();
      }
    });
  });

  it('prefers lower-case variables, and ignores the environment with trustEnv: false or proxy: null', async () => {
    await withEnv({
      http_proxy: withCredentials(proxy),
      HTTP_PROXY: 'http://127.0.0.1:9', // nothing listens there: using it would fail
    }, async () => {
      expect((await session({ trustEnv: true }).get(`${plain.server.url}/lower`)).status).toBe(200);
      expect((await session({ trustEnv: false }).get(`${plain.server.url}/untrusted`)).status).toBe(200);
      expect((await session({ trustEnv: true }).get(`${plain.server.url}/null`, { proxy: null })).status).toBe(200);
      expect(plain.seen.map((s) => [s.url, s.via !== null])).toEqual([['/lower', true], ['/untrusted', false], ['/null', false]]);
    });
  });

  it('goes direct for every host with NO_PROXY=*', async () => {
    await withEnv({ HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '*' }, async () => {
      expect((await session({ trustEnv: true }).get(`${plain.server.url}/star`)).status).toBe(200);
      expect(plain.seen[0]!.via).toBeNull();
    });
  });

  it('chooses again on each redirect hop: from a NO_PROXY host to a proxied one and back', async () => {
    const direct = new URL(secure.server.url);
    // `localhost` is in NO_PROXY, 127.0.0.1 is not: the same servers, reached two ways.
    const viaLocalhost = (server: TestServer<import('node:http').Server>) => server.url.replace('127.0.0.1', 'localhost');
    await withEnv({ HTTP_PROXY: withCredentials(proxy), HTTPS_PROXY: withCredentials(proxy), NO_PROXY: 'localhost' }, async () => {
      const tunnels = recordTunnels();
      try {
        const s = session({ trustEnv: true });
        const target = `${secure.server.url}/landed`;
        const res = await s.get(`${viaLocalhost(plain.server)}/start?to=${encodeURIComponent(`${viaLocalhost(plain.server)}/hop?to=${encodeURIComponent(target)}`)}`);
        expect(await res.json()).toEqual({ url: '/landed' });
        expect(res.history).toHaveLength(2);
        expect(plain.seen.map((x) => x.via)).toEqual([null, null]);
        expect(tunnels.paths).toEqual([`127.0.0.1:${direct.port}`]);

        const back = await s.get(`${plain.server.url}/p?to=${encodeURIComponent(`${viaLocalhost(plain.server)}/direct`)}`);
        expect(back.status).toBe(200);
        expect(plain.seen.slice(2).map((x) => [x.url.split('?')[0], x.via !== null])).toEqual([['/p', true], ['/direct', false]]);
      } finally {
        tunnels.stop();
      }
    });
  });
});

describe('an https:// proxy (a Node CONNECT proxy over TLS)', () => {
  it('reaches HTTP and HTTPS origins through a TLS tunnel, with decoded credentials and proxy.tls', async () => {
    const pki = await testPki();
    const connects: { target: string; auth: string | undefined; team: string | undefined }[] = [];
    const tlsProxy = await startHttpsServer((_req, res) => res.writeHead(405).end());
    tlsProxy.server.on('connect', (req: IncomingMessage, client: import('node:stream').Duplex, head: Buffer) => {
      connects.push({ target: req.url!, auth: req.headers['proxy-authorization'], team: req.headers['x-team'] as string | undefined });
      const [host, port] = req.url!.split(':');
      const upstream = net.connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const plainOrigin = await origin(false);
    const secureOrigin = await origin(true);
    const s = new Session({
      trustEnv: false,
      tls: { ca: pki.ca },
      proxy: { url: `https://us%40er:p%3Ass@127.0.0.1:${tlsProxy.port}`, tls: { ca: pki.ca }, headers: { 'X-Team': 'qa' } },
    });
    try {
      expect((await s.get(`${secureOrigin.server.url}/s`)).status).toBe(200);
      expect((await s.get(`${plainOrigin.server.url}/p`)).status).toBe(200);
      const auth = `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`;
      expect(connects).toEqual([
        { target: `127.0.0.1:${secureOrigin.server.port}`, auth, team: 'qa' },
        { target: `127.0.0.1:${plainOrigin.server.port}`, auth, team: 'qa' },
      ]);
      expect([...secureOrigin.seen, ...plainOrigin.seen].map((x) => x.proxyAuthorization)).toEqual([null, null]);
    } finally {
      await s.close();
      await Promise.all([tlsProxy.close(), plainOrigin.server.close(), secureOrigin.server.close()]);
    }
  });
});

describe('proxy failures without a proxy process', () => {
  it('a proxy that is not listening is a ProxyError naming it, not a ConnectError for the origin', async () => {
    const target = await origin(false);
    const s = new Session({ proxy: 'http://user:hunter2@127.0.0.1:9', trustEnv: false });
    try {
      const err = (await s.get(`${target.server.url}/x`).catch((e: unknown) => e)) as ProxyError;
      expect(err).toBeInstanceOf(ProxyError);
      expect(err.message).toContain('Cannot connect to proxy http://127.0.0.1:9/');
      expect(err.message).not.toContain('hunter2');
      expect(target.seen).toEqual([]);
    } finally {
      await s.close();
      await target.server.close();
    }
  });

  it('an unsupported proxy scheme is a ProxyError', async () => {
    const s = new Session({ proxy: 'socks4://127.0.0.1:9', trustEnv: false });
    try {
      await expect(s.get('http://127.0.0.1:9/')).rejects.toThrow(/Unsupported proxy scheme socks4:/);
    } finally {
      await s.close();
    }
  });
});
