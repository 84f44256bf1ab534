import type http from 'node:http';
import zlib from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, DecodeError, HTTPError, RequestError, Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
const seenB: http.IncomingHttpHeaders[] = [];
const urls: string[] = [];

beforeAll(async () => {
  a = await startHttpServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    urls.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/to-b':
        return void res.writeHead(302, { location: `${b.url}/landing` }).end();
      case '/307':
        return void res.writeHead(307, { location: '/echo' }).end();
      case '/echo':
        return void res.end(body);
      case '/forever':
        res.writeHead(200);
        res.write('x'.repeat(1024));
        return; // never ends
      case '/403':
        res.writeHead(403, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: 'denied', access_token: 'tok-SECRET-1', password: 'pw-SECRET-2' }));
      case '/corrupt':
        return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('not gzip at all, sorry'));
      case '/raw-deflate':
        return void res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(Buffer.from('raw deflate body')));
      case '/empty-br':
        return void res.writeHead(200, { 'content-encoding': 'br' }).end();
      default:
        res.end(req.url);
    }
  });
  b = await startHttpServer((req, res) => {
    seenB.push(req.headers);
    res.end('b');
  });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('hardening', () => {
  it('mixed-case session headers set after construction are stripped cross-origin like the lower-case ones', async () => {
    await using s = new Session({ baseUrl: a.url });
    s.headers['Authorization'] = 'Bearer SECRET';
    s.headers['X-Api-Key'] = 'k';
    s.headers['X-Auth-Token'] = 't';
    expect(s.headers.authorization).toBe('Bearer SECRET');
    expect(() => { s.headers['X-Bad'] = 'a\r\nb'; }).toThrow(RequestError);
    seenB.length = 0;
    await s.get('/to-b');
    expect(seenB[0]!.authorization).toBeUndefined();
    expect(seenB[0]!['x-api-key']).toBeUndefined();
    expect(seenB[0]!['x-auth-token']).toBeUndefined();
    const r = await s.get('/echo-headers', { headers: { authorization: null } });
    expect(r.request.headers.authorization).toBeUndefined();
  });

  it('keeps a signed query byte for byte when params are added', async () => {
    await using s = new Session({ baseUrl: a.url, params: { extra: '1' } });
    const r = await s.get('/signed?X-Sig=a%2Fb~c&flag&sp=%20');
    expect(await r.text()).toBe('/signed?X-Sig=a%2Fb~c&flag&sp=%20&extra=1');
  });

  it('keeps the query of baseUrl', async () => {
    await using s = new Session({ baseUrl: `${a.url}/v1?api=2` });
    expect(await (await s.get('/users?x=1')).text()).toBe('/v1/users?x=1&api=2');
  });

  it('an abort after the headers cancels a streamed body', async () => {
    await using s = new Session({ baseUrl: a.url });
    const ac = new AbortController();
    const r = await s.get('/forever', { stream: true, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const err = await r.bytes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
  });

  it('close() does not hang on a streamed body nobody reads', async () => {
    const s = new Session({ baseUrl: a.url });
    await s.get('/forever', { stream: true });
    await s.close(); // would wait forever without the grace period
    await expect(s.get('/')).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
  });

  it('throwHttpErrors with stream: true releases the socket', async () => {
    await using s = new Session({ baseUrl: a.url, pool: { connections: 1 }, throwHttpErrors: true });
    await expect(s.get('/403', { stream: true })).rejects.toBeInstanceOf(HTTPError);
    expect(await (await s.get('/ok')).text()).toBe('/ok');
  });

  it('keeps secrets out of HTTPError messages and out of URLs in errors', async () => {
    await using s = new Session({ baseUrl: a.url });
    const r = await s.get('/403?access_token=q-SECRET-3');
    const err = (() => { try { r.raiseForStatus(); } catch (e) { return e as Error; } return undefined; })();
    expect(err).toBeInstanceOf(HTTPError);
    expect(err!.message).toContain('denied');
    expect(err!.message).not.toMatch(/SECRET/);
  });

  it('s.fetch: a Request body follows a 307; 4xx resolves even with throwHttpErrors', async () => {
    await using s = new Session({ baseUrl: a.url, throwHttpErrors: true });
    const r = await s.fetch(new Request(`${a.url}/307`, { method: 'POST', body: 'again' }));
    expect(await r.text()).toBe('again');
    const denied = await s.fetch(`${a.url}/403`);
    expect(denied.status).toBe(403);
  });

  it('an injected dispatcher is never bypassed silently', async () => {
    const agent = new Agent();
    try {
      await using s = new Session({ baseUrl: a.url, dispatcher: agent });
      await expect(s.get('/', { tls: { rejectUnauthorized: false } })).rejects.toBeInstanceOf(RequestError);
      expect((await s.get('/', { timeout: null })).status).toBe(200);
    } finally {
      await agent.close();
    }
  });

  it('validates timeouts; Infinity means none; maxDecodedSize Infinity works', async () => {
    await using s = new Session({ baseUrl: a.url });
    await expect(s.get('/', { timeout: -1 })).rejects.toBeInstanceOf(RequestError);
    await expect(s.get('/', { timeout: 2 ** 31 })).rejects.toThrow(/Invalid timeout.total/);
    expect((await s.get('/', { timeout: Infinity, maxDecodedSize: Infinity })).status).toBe(200);
  });

  it('decoding: corrupt gzip is a DecodeError; raw deflate and empty br work streamed too', async () => {
    await using s = new Session({ baseUrl: a.url });
    await expect(s.get('/corrupt')).rejects.toBeInstanceOf(DecodeError);
    const streamed = await s.get('/corrupt', { stream: true });
    await expect(streamed.bytes()).rejects.toBeInstanceOf(DecodeError);
    expect(await (await s.get('/raw-deflate', { stream: true })).text()).toBe('raw deflate body');
    expect(await (await s.get('/empty-br', { stream: true })).text()).toBe('');
    expect(await (await s.get('/empty-br')).text()).toBe('');
  });

  it('input mistakes are RequestErrors', async () => {
    await using s = new Session({ baseUrl: a.url });
    await expect(s.post('/', { multipart: { f: { path: '/no/such/file' } } })).rejects.toThrow(/Cannot upload "\/no\/such\/file"/);
    await expect(s.post('/', { json: { n: 1n } })).rejects.toBeInstanceOf(RequestError);
    await expect(s.get(`http://u:%zz@127.0.0.1:${new URL(a.url).port}/`)).rejects.toBeInstanceOf(RequestError);
    expect((await s.post('/echo', { multipart: { a: ['x', null as unknown as string] } })).status).toBe(200);
  });
});
