import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, Session, Transport } from '../../src/index.js';
import { nginxBinary, SET_COOKIE_COUNT, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { startTinyproxy, type RunningProxy } from '../helpers/proxies.js';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

const present = nginxBinary() !== undefined;
if (!present) console.warn('[http2] nginx not installed: the HTTP/2 tests are skipped (scripts/test.sh installs it)');

/** What the backend behind nginx answers: the protocol nginx got, and what it forwarded. */
interface Seen {
  protocol: string;
  cookie: string | null;
  authorized: boolean;
  csrf: string | null;
}

let flaky = 0;

function backend(req: http.IncomingMessage, res: http.ServerResponse): void {
  const seen = (): Seen => ({
    protocol: String(req.headers['x-protocol']),
    cookie: req.headers.cookie ?? null,
    authorized: req.headers.authorization === `Basic ${Buffer.from('alice:pw').toString('base64')}`,
    csrf: (req.headers['x-xsrf-token'] as string | undefined) ?? null,
  });
  const json = (status: number, value: unknown, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  req.resume();
  req.on('end', () => {
    const url = req.url ?? '/';
    if (url === '/token') return json(200, {}, { 'set-cookie': 'XSRF-TOKEN=tok-1; Path=/; Secure' });
    if (url === '/form' && req.method === 'POST') {
      const s = seen();
      return s.csrf === 'tok-1' ? json(200, s) : json(403, { error: 'invalid CSRF token' });
    }
    if (url === '/login' && req.method === 'POST') {
      res.writeHead(302, { location: '/hop/1', 'set-cookie': 'SESSION=s1; Path=/; Secure' });
      return res.end();
    }
    if (url === '/hop/1') {
      res.writeHead(302, { location: '/hop/2', 'set-cookie': 'h1=1; Path=/; Secure' });
      return res.end();
    }
    if (url === '/flaky') return ++flaky % 2 === 1 ? json(503, { error: 'try again' }) : json(200, seen());
    return json(200, seen());
  });
}

describe.skipIf(!present)('HTTP/2 against nginx (TLS, ALPN)', () => {
  let app: TestServer<http.Server>;
  let nginx: RunningNginx;
  let goaway: RunningNginx;
  const sessions: Session[] = [];
  const session = (options: ConstructorParameters<typeof Session>[0] = {}) => {
    const s = new Session({ baseUrl: nginx.origin, tls: { ca: nginx.ca }, http2: true, ...options });
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    app = await startHttpServer(backend);
    nginx = await startNginx(app.port);
    goaway = await startNginx(app.port, { keepaliveRequests: 5 });
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await Promise.all([nginx?.stop(), goaway?.stop(), app?.close()]);
  });

  it('speaks h2 when asked, HTTP/1.1 by default and to origins not listed', async () => {
    const r = await session().get('/seen');
    expect(r.httpVersion).toBe('HTTP/2');
    expect(await r.text()).toContain('protocol=HTTP/2.0');
    const plain = await session({ http2: undefined }).get('/seen');
    expect(plain.httpVersion).toBe('HTTP/1.1');
    expect(await plain.text()).toContain('protocol=HTTP/1.1');
    const other = await session({ http2: { origins: ['https://example.com'] } }).get('/seen');
    expect(other.httpVersion).toBe('HTTP/1.1');
  });

  it('uses HTTP/1.1, one request per socket at a time, with an https origin that does not pick h2', async () => {
    let inFlight = 0;
    let most = 0;
    const h1 = await startHttpsServer((req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(req.httpVersion);
      }, 20);
    });
    try {
      const s = session({ baseUrl: h1.url, tls: { ca: (await testPki()).ca } });
      const all = await Promise.all(Array.from({ length: 12 }, () => s.get('/')));
      expect(all.map((r) => r.httpVersion)).toEqual(Array(12).fill('HTTP/1.1'));
      // Not pipelined: each socket carried one request at a time, so the burst needed several sockets.
      expect(s.stats()[h1.url]!.connections).toBeGreaterThan(1);
      expect(most).toBeGreaterThan(1);
    } finally {
      await h1.close();
    }
  });

  it('refuses h2c and a dispatcher with http2, with a clear error', () => {
    expect(() => new Session({ http2: { origins: ['http://127.0.0.1:1'] } })).toThrow(/over TLS only/);
    expect(() => new Session({ http2: true, transport: new Transport() })).toThrow(/cannot be combined with `transport`/);
  });

  it(`stores all ${SET_COOKIE_COUNT} Set-Cookie headers of one h2 response and sends them back in one Cookie joined with "; "`, async () => {
    const s = session();
    const r = await s.get('/many-cookies');
    expect(r.httpVersion).toBe('HTTP/2');
    expect(r.headers.getSetCookie()).toHaveLength(SET_COOKIE_COUNT);
    const seen = await (await s.get('/seen', { cookies: { own: 'x' } })).text();
    const sent = /cookie=([^|]*)\|/.exec(seen)![1]!.split('; ');
    expect(sent).toHaveLength(SET_COOKIE_COUNT + 1);
    expect(sent).toEqual(expect.arrayContaining(['c0=v0', `c${SET_COOKIE_COUNT - 1}=v${SET_COOKIE_COUNT - 1}`, 'own=x']));
  });

  it('follows redirects with a cookie per hop, sends auth and CSRF, and retries, all over h2', async () => {
    const s = session({ auth: { username: 'alice', password: 'pw' }, csrf: 'angular', retry: { limit: 2, statusCodes: [503], methods: ['GET', 'POST'] } });
    const login = await s.post('/login', { form: { user: 'alice' } });
    expect(login.history.map((h) => [h.status, h.httpVersion])).toEqual([[302, 'HTTP/2'], [302, 'HTTP/2']]);
    const after = await login.json<Seen>();
    expect(after).toMatchObject({ protocol: 'HTTP/2.0', authorized: true });
    expect(after.cookie?.split('; ').sort()).toEqual(['SESSION=s1', 'h1=1']);
    await s.get('/token');
    const form = await s.post('/form', { json: { a: 1 } });
    expect(form.status).toBe(200);
    expect(await form.json()).toMatchObject({ protocol: 'HTTP/2.0', csrf: 'tok-1', authorized: true });
    const retried = await s.get('/flaky');
    expect(retried.status).toBe(200);
    expect(retried.httpVersion).toBe('HTTP/2');
  });

  it('records httpVersion in the HAR and multiplexes a burst over one connection', async () => {
    const s = session({ har: true });
    const all = await Promise.all(Array.from({ length: 50 }, () => s.get('/seen')));
    expect(all.every((r) => r.httpVersion === 'HTTP/2' && r.status === 200)).toBe(true);
    const entry = s.har().log.entries[0]!;
    expect([entry.request.httpVersion, entry.response.httpVersion]).toEqual(['HTTP/2', 'HTTP/2']);
    expect(s.stats()[nginx.origin]).toMatchObject({ connections: 1, requests: 50 });
  });

  it('goes on after GOAWAY (nginx keepalive_requests 5): sequential and concurrent requests settle and succeed', async () => {
    const s = session({ baseUrl: goaway.origin, tls: { ca: goaway.ca } });
    for (let i = 0; i < 22; i++) expect((await s.get('/seen')).status).toBe(200);
    expect(s.stats()[goaway.origin]!.connections).toBeGreaterThanOrEqual(5);
    const burst = await Promise.allSettled(Array.from({ length: 30 }, () => s.get('/seen')));
    expect(burst.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    // A POST cut off by GOAWAY may have been processed, so it is not replayed: it fails, naming the cause.
    const posts = await Promise.allSettled(Array.from({ length: 12 }, () => s.post('/seen', { json: {} })));
    for (const p of posts) {
      if (p.status === 'rejected') {
        expect(p.reason).toBeInstanceOf(NetworkError);
        expect(String(p.reason.cause?.message ?? p.reason.message)).toMatch(/GOAWAY/);
      } else expect(p.value.status).toBe(200);
    }
  });

  describe('through a CONNECT proxy (tinyproxy)', () => {
    let proxy: RunningProxy | undefined;
    beforeAll(async () => {
      proxy = await startTinyproxy({ auth: false }).catch((err: unknown) => {
        console.warn(`[http2] tinyproxy did not start, proxy case skipped: ${String(err)}`);
        return undefined;
      });
    });
    afterAll(async () => proxy?.stop());

    it('negotiates h2 inside the tunnel', async (ctx) => {
      if (!proxy) return ctx.skip();
      const s = session({ proxy: proxy.url });
      const r = await s.get('/seen');
      expect(r.httpVersion).toBe('HTTP/2');
      expect(await r.text()).toContain('protocol=HTTP/2.0');
    });
  });
});
