import type http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedirectError, Session, TooManyRedirectsError } from '../../src/index.js';
import { redirectMethod } from '../../src/stages/redirects.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
const seenA: Seen[] = [];
const seenB: Seen[] = [];

function handler(seen: Seen[], other: () => string): http.RequestListener {
  return async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const to = url.searchParams.get('to');
    const status = Number(url.searchParams.get('status') ?? 302);
    if (url.pathname === '/hop1') {
      res.writeHead(302, { location: '/hop2', 'set-cookie': 'JSESSIONID=first; Path=/' }).end();
    } else if (url.pathname === '/hop2') {
      res.writeHead(302, { location: '/final', 'set-cookie': 'JSESSIONID=rotated; Path=/' }).end();
    } else if (url.pathname === '/redirect') {
      res.writeHead(status, { location: to === 'other' ? `${other()}/landing` : to ?? '/landing' }).end('moved');
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    }
  };
}

beforeAll(async () => {
  a = await startHttpServer(handler(seenA, () => b.url));
  b = await startHttpServer(handler(seenB, () => a.url));
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('redirects, hop by hop', () => {
  it('stores Set-Cookie of every hop and sends it on the next one (JSESSIONID rotation)', async () => {
    await using s = new Session({ baseUrl: a.url });
    seenA.length = 0;
    const r = await s.get('/hop1');
    expect(r.status).toBe(200);
    expect(r.history.map((h) => h.status)).toEqual([302, 302]);
    expect(r.history.map((h) => new URL(h.url).pathname)).toEqual(['/hop1', '/hop2']);
    expect(seenA.map((x) => x.headers.cookie)).toEqual([undefined, 'JSESSIONID=first', 'JSESSIONID=rotated']);
    expect(s.cookies.getCookieHeader(new URL(a.url))).toBe('JSESSIONID=rotated');
    expect(r.history[1]!.request.headers.cookie).toBe('JSESSIONID=first');
  });

  it.each([
    [301, 'POST', 'GET', false], [302, 'POST', 'GET', false], [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false], [303, 'HEAD', 'HEAD', false], [302, 'HEAD', 'HEAD', false],
    [301, 'PUT', 'PUT', true], [302, 'PUT', 'PUT', true], [302, 'DELETE', 'DELETE', false], [307, 'POST', 'POST', true], [308, 'PUT', 'PUT', true], [307, 'DELETE', 'DELETE', false],
  ])('%i after %s → %s (body kept: %s)', async (status, method, expected, keepsBody) => {
    expect(redirectMethod(status, method)).toBe(expected);
    await using s = new Session({ baseUrl: a.url });
    seenA.length = 0;
    const withBody = method !== 'HEAD' && method !== 'DELETE';
    const r = await s.request(method, `/redirect?status=${status}`, withBody ? { json: { x: 1 } } : {});
    expect(r.status).toBe(200);
    const landing = seenA[1]!;
    expect(landing.method).toBe(expected);
    if (keepsBody) {
      expect(landing.body).toBe('{"x":1}');
      expect(landing.headers['content-type']).toBe('application/json');
    } else {
      expect(landing.body).toBe('');
      expect(landing.headers['content-type']).toBeUndefined();
    }
  });

  it('refuses a 307 with a body that cannot be sent again', async () => {
    await using s = new Session({ baseUrl: a.url });
    const err = await s.post('/redirect?status=307', { body: Readable.from(['once']) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedirectError);
    expect(String(err)).toMatch(/cannot be sent again/);
  });

  it('resolves a relative Location against the current URL', async () => {
    await using s = new Session({ baseUrl: a.url });
    const r = await s.get('/redirect?to=../deep/./x%20y?q=1');
    expect(r.url).toBe(`${a.url}/deep/x%20y?q=1`);
  });

  it('drops Authorization, Cookie and sensitive headers on a cross-origin hop (different port)', async () => {
    await using s = new Session({
      baseUrl: a.url,
      auth: { username: 'u', password: 'p' },
      headers: { 'X-Api-Key': 'k', 'X-Secret': 's', 'X-Plain': 'keep' },
      sensitiveHeaders: ['X-Secret'],
    });
    s.cookies.setCookie('sid=a-only; Path=/', new URL(a.url));
    seenB.length = 0;
    seenA.length = 0;
    await s.get('/redirect?to=other', { headers: { 'Proxy-Authorization': 'Basic eA==', Cookie: 'own=x' } });
    expect(seenA[0]!.headers.authorization).toMatch(/^Basic /);
    expect(seenA[0]!.headers.cookie).toBe('own=x; sid=a-only');
    const hop = seenB[0]!.headers;
    expect(hop.authorization).toBeUndefined();
    expect(hop['proxy-authorization']).toBeUndefined();
    // The request's own Cookie header stays with its origin; jar cookies follow cookie rules, which
    // ignore ports (RFC 6265 §8.5), so the host-only cookie of 127.0.0.1 goes to the other port too.
    expect(hop.cookie).toBe('sid=a-only');
    expect(hop['x-api-key']).toBeUndefined();
    expect(hop['x-secret']).toBeUndefined();
    expect(hop['x-plain']).toBe('keep');
  });

  it('treats localhost and 127.0.0.1 as different origins', async () => {
    await using s = new Session({ auth: { username: 'u', password: 'p' } });
    seenA.length = 0;
    const port = new URL(a.url).port;
    await s.get(`http://127.0.0.1:${port}/redirect?to=http://localhost:${port}/landing`);
    expect(seenA[0]!.headers.authorization).toBeDefined();
    expect(seenA[1]!.headers.host).toBe(`localhost:${port}`);
    expect(seenA[1]!.headers.authorization).toBeUndefined();
  });

  it('re-applies session auth when a redirect comes back to the original origin', async () => {
    await using s = new Session({ baseUrl: a.url, auth: { username: 'u', password: 'p' } });
    seenA.length = 0;
    await s.get(`/redirect?to=${encodeURIComponent(`${b.url}/redirect?to=${encodeURIComponent(`${a.url}/landing`)}`)}`);
    expect(seenA.map((x) => Boolean(x.headers.authorization))).toEqual([true, true]);
  });

  it('refuses non-http Location', async () => {
    await using s = new Session({ baseUrl: a.url });
    await expect(s.get('/redirect?to=file:///etc/passwd')).rejects.toThrow(/Refusing redirect to file: URL/);
    await expect(s.get('/redirect?to=javascript:alert(1)')).rejects.toBeInstanceOf(RedirectError);
  });

  it('throws TooManyRedirectsError with the history past maxRedirects', async () => {
    await using s = new Session({ baseUrl: a.url, maxRedirects: 5 });
    const err = (await s.get('/loop').catch((e: unknown) => e)) as TooManyRedirectsError;
    expect(err).toBeInstanceOf(TooManyRedirectsError);
    expect(err.history).toHaveLength(6);
    expect(err.message).toMatch(/Exceeded maxRedirects \(5\)/);
    const ok = await s.get('/redirect', { maxRedirects: 1 });
    expect(ok.status).toBe(200);
  });

  it('followRedirects: false returns the 3xx', async () => {
    await using s = new Session({ baseUrl: a.url, followRedirects: false });
    const r = await s.get('/hop1');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/hop2');
    expect(r.history).toEqual([]);
    expect(s.cookies.getCookieHeader(new URL(a.url))).toBe('JSESSIONID=first');
    expect((await s.get('/hop1', { followRedirects: true })).status).toBe(200);
  });
});
