import type http from 'node:http';
import type https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError, Session, TLSError, Transport, formLogin } from '../../src/index.js';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

/** Echoes the cookies it got; /set?name=value sets one. */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const set = url.pathname === '/set' ? [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`) : [];
  res.writeHead(200, { 'content-type': 'application/json', ...(set.length && { 'set-cookie': set }) });
  res.end(JSON.stringify({ cookie: req.headers.cookie ?? null, auth: req.headers.authorization ?? null }));
}

describe('many sessions on one transport', () => {
  let plain: TestServer<http.Server>;
  let secure: TestServer<https.Server>;
  const sockets = new Set<unknown>();

  beforeAll(async () => {
    plain = await startHttpServer(handler);
    plain.server.on('connection', (s) => sockets.add(s));
    secure = await startHttpsServer(handler);
  });
  afterAll(async () => Promise.all([plain?.close(), secure?.close()]));

  it('forks share the connections and the settings, not the cookies or auth', async () => {
    const base = new Session({ baseUrl: plain.url, headers: { 'x-app': 'bench' }, pool: { connections: 1 } });
    base.headers['x-later'] = 'yes';
    const alice = base.fork({ auth: { username: 'alice', password: 'a' } });
    const bob = base.fork({ auth: { username: 'bob', password: 'b' } });
    try {
      await alice.get('/set?who=alice');
      await bob.get('/set?who=bob');
      const a = await (await alice.get('/')).json<{ cookie: string; auth: string }>();
      const b = await (await bob.get('/')).json<{ cookie: string; auth: string }>();
      expect([a.cookie, b.cookie]).toEqual(['who=alice', 'who=bob']);
      expect(a.auth).not.toBe(b.auth);
      expect(base.cookies.getCookies(new URL(plain.url))).toEqual([]);
      const sent = (await bob.get('/')).request.headers;
      expect([sent['x-app'], sent['x-later']]).toEqual(['bench', 'yes']);
      // One socket for the three sessions (pool of 1); each counts its own requests.
      expect(sockets.size).toBe(1);
      expect(alice.stats()[plain.url]).toEqual({ connections: 1, requests: 2, open: 1 });
      expect(bob.stats()[plain.url]!.requests).toBe(3);
      expect(base.stats()[plain.url]!.requests).toBe(0);
      // Closing a fork leaves the shared pool to the session it came from.
      await alice.close();
      expect((await bob.get('/')).status).toBe(200);
    } finally {
      await bob.close();
      await base.close();
    }
  });

  it('keys the shared pools by each session`s TLS settings: an unverified connection is never reused for a verifying session', async () => {
    const transport = new Transport();
    const trusting = new Session({ transport, baseUrl: secure.url, tls: { ca: (await testPki()).ca } });
    const insecure = new Session({ transport, baseUrl: secure.url, tls: { rejectUnauthorized: false } });
    const strict = new Session({ transport, baseUrl: secure.url });
    try {
      expect((await trusting.get('/')).status).toBe(200);
      expect((await insecure.get('/')).status).toBe(200);
      await expect(strict.get('/')).rejects.toBeInstanceOf(TLSError);
      expect(transport.stats()[secure.url]!.connections).toBe(2);
    } finally {
      await Promise.all([trusting.close(), insecure.close(), strict.close()]);
      await transport.close();
    }
  });

  it('refuses transport-level options next to `transport`', () => {
    const transport = new Transport();
    expect(() => new Session({ transport, pool: { connections: 2 } })).toThrow(RequestError);
    expect(() => new Session({ transport, trustEnv: false, http2: true })).toThrow(/`trustEnv`, `http2` cannot be combined with `transport`/);
  });
});

describe('forks keep their own login and CSRF state', () => {
  it('a fork that logs in does not log in its sibling, nor hand it its CSRF token', async () => {
    const { startDemoServer } = await import('../../demo/server.js');
    const demo = await startDemoServer();
    const base = new Session({ baseUrl: demo.url, csrf: 'spring' });
    const alice = base.fork({ login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    const guest = base.fork();
    try {
      expect((await alice.post('/api/items', { json: { name: 'milk' } })).status).toBe(201);
      expect(alice.explain('/api/items').csrf).toMatchObject({ header: 'x-csrf-token', source: 'html' });
      expect((await guest.get('/api/me')).status).toBe(401);
      expect(guest.explain('/api/items').csrf).toMatchObject({ header: undefined, reason: expect.stringContaining('no token known') });
      expect(guest.cookies.getCookieHeader(`${demo.url}/`)).not.toBe(alice.cookies.getCookieHeader(`${demo.url}/`));
      expect(String(base)).not.toContain('login=form');
    } finally {
      await Promise.all([alice.close(), guest.close()]);
      await base.close();
      await demo.close();
    }
  });
});
