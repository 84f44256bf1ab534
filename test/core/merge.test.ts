import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHeaderError, InvalidURLError, RequestError, Session, VERSION } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
});
afterAll(() => server.close());

async function echo(s: Session, url: string, opts = {}) {
  return (await s.get(url, opts)).json<{ url: string; headers: Record<string, string> }>();
}

describe('session configuration merge (requests rules)', () => {
  it('sends the default headers requests sends', async () => {
    await using s = new Session({ baseUrl: server.url });
    const { headers } = await echo(s, '/');
    expect(headers['user-agent']).toBe(`sessio/${VERSION}`);
    expect(headers.accept).toBe('*/*');
    expect(headers['accept-encoding']).toMatch(/^gzip, deflate, br/);
  });

  it('merges request headers case-insensitively over session headers, null removes a default', async () => {
    await using s = new Session({ baseUrl: server.url, headers: { 'User-Agent': 'MyApp/1.0', 'X-Team': 'a' } });
    const { headers } = await echo(s, '/', { headers: { 'x-team': 'b', 'user-agent': null, Accept: null } });
    expect(headers['x-team']).toBe('b');
    expect(headers['user-agent']).toBeUndefined();
    expect(headers.accept).toBeUndefined();
    const again = await echo(s, '/');
    expect(again.headers['user-agent']).toBe('MyApp/1.0');
  });

  it('joins baseUrl and path like axios, keeps absolute URLs', async () => {
    await using s = new Session({ baseUrl: `${server.url}/api/` });
    expect((await echo(s, '/users')).url).toBe('/api/users');
    expect((await echo(s, 'users?x=1')).url).toBe('/api/users?x=1');
    expect((await echo(s, `${server.url}/other`)).url).toBe('/other');
  });

  it('merges params: request replaces session keys, null removes, arrays repeat, existing query kept', async () => {
    await using s = new Session({ baseUrl: server.url, params: { api_key: 'k', lang: 'en', drop: 'x' } });
    const { url } = await echo(s, '/p?q=1', { params: { lang: 'fr', drop: null, tag: ['a', 'b'] } });
    expect(url).toBe('/p?q=1&api_key=k&lang=fr&tag=a&tag=b');
  });

  it('refuses CR/LF/NUL in header values and names before sending anything', async () => {
    await using s = new Session({ baseUrl: server.url });
    const before = seen.length;
    await expect(s.get('/', { headers: { 'X-Evil': 'a\r\nInjected: 1' } })).rejects.toBeInstanceOf(InvalidHeaderError);
    await expect(s.get('/', { headers: { 'X-Nul': 'a\0b' } })).rejects.toBeInstanceOf(InvalidHeaderError);
    await expect(s.get('/', { headers: { 'Bad Name': 'x' } })).rejects.toBeInstanceOf(InvalidHeaderError);
    expect(() => new Session({ headers: { 'X-A': 'x\ny' } })).toThrow(InvalidHeaderError);
    expect(seen.length).toBe(before);
  });

  it('gives a typed error for bad URLs and schemes', async () => {
    await using s = new Session();
    await expect(s.get('/relative')).rejects.toThrow(/no baseUrl/);
    await expect(s.get('ftp://example.com/')).rejects.toBeInstanceOf(InvalidURLError);
    await expect(s.get('http://[bad')).rejects.toBeInstanceOf(InvalidURLError);
    await expect(s.request('GE T', server.url)).rejects.toBeInstanceOf(RequestError);
  });

  it('uses Basic auth from the session, per-request override and null', async () => {
    await using s = new Session({ baseUrl: server.url, auth: { username: 'alice', password: 'pä:ss' } });
    expect((await echo(s, '/')).headers.authorization).toBe(`Basic ${Buffer.from('alice:pä:ss').toString('base64')}`);
    expect((await echo(s, '/', { auth: { username: 'bob', password: 'x' } })).headers.authorization).toBe(`Basic ${Buffer.from('bob:x').toString('base64')}`);
    expect((await echo(s, '/', { auth: null })).headers.authorization).toBeUndefined();
  });

  it('turns URL userinfo into Basic auth and never sends it in the URL', async () => {
    await using s = new Session();
    const u = new URL(server.url);
    const r = await s.get(`http://us%40er:p%3Ass@127.0.0.1:${u.port}/x`);
    const body = await r.json<{ headers: Record<string, string> }>();
    expect(body.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect(r.url).not.toContain('p%3Ass');
  });

  it('sends the per-request cookies option and a user Cookie header alongside jar cookies', async () => {
    await using s = new Session({ baseUrl: server.url });
    s.cookies.setCookie('jar=1; Path=/', new URL(server.url));
    const { headers } = await echo(s, '/', { cookies: { extra: '2' }, headers: { Cookie: 'given=3' } });
    expect(headers.cookie).toBe('given=3; extra=2; jar=1');
  });

  it('throwHttpErrors turns 4xx into HTTPError; raiseForStatus names method, URL and an excerpt', async () => {
    const failing = await startHttpServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing here'));
    try {
      await using s = new Session({ baseUrl: failing.url });
      const r = await s.get('/missing');
      expect(r.ok).toBe(false);
      expect(() => r.raiseForStatus()).toThrow(/404 Client Error for GET http:\/\/127\.0\.0\.1:\d+\/missing: no such thing here/);
      await expect(s.get('/missing', { throwHttpErrors: true })).rejects.toMatchObject({ status: 404, code: 'ERR_HTTP_STATUS' });
    } finally {
      await failing.close();
    }
  });
});
