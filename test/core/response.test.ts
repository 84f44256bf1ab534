import type http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyTooLargeError, Session, SessioError } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
const payload = JSON.stringify({ message: 'héllo', list: Array.from({ length: 50 }, (_, i) => i) });
const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const enc = url.searchParams.get('enc');
    switch (url.pathname) {
      case '/multi':
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('X-Many', ['one', 'two']);
        res.end('ok');
        return;
      case '/latin1':
        res.setHeader('content-type', 'text/plain; charset=ISO-8859-1');
        res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
        return;
      case '/notjson':
        res.setHeader('content-type', 'text/html');
        res.end('<html>login</html>');
        return;
      case '/encoded': {
        const raw = Buffer.from(payload);
        const body = enc === 'gzip' ? zlib.gzipSync(raw)
          : enc === 'deflate' ? zlib.deflateSync(raw)
          : enc === 'deflate-raw' ? zlib.deflateRawSync(raw)
          : enc === 'br' ? zlib.brotliCompressSync(raw)
          : enc === 'zstd' ? (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(raw)
          : enc === 'gzip,br' ? zlib.brotliCompressSync(zlib.gzipSync(raw))
          : raw;
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc === 'deflate-raw' ? 'deflate' : enc ?? 'identity' });
        res.end(body);
        return;
      }
      case '/bomb': {
        // 200 MiB of zeros, about 200 KiB compressed.
        const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': bomb.length });
        res.end(bomb);
        return;
      }
      case '/big':
        res.end(Buffer.alloc(2 * 1024 * 1024, 1));
        return;
      case '/stream':
        res.write('part1,');
        setTimeout(() => res.end('part2'), 20);
        return;
      default:
        res.end('default');
    }
  });
});
afterAll(() => server.close());

describe('responses', () => {
  it('exposes status, url, elapsed, request and multi-valued headers', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/multi');
    expect(r.status).toBe(200);
    expect(r.statusText).toBe('OK');
    expect(r.ok).toBe(true);
    expect(r.url).toBe(`${server.url}/multi`);
    expect(r.elapsed).toBeGreaterThan(0);
    expect(r.headers.get('X-MANY')).toBe('one, two');
    expect(r.headers.getAll('x-many')).toEqual(['one', 'two']);
    expect(r.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(r.request.method).toBe('GET');
    expect(r.request.headers['user-agent']).toMatch(/^sessio\//);
    expect(String(r.request)).toContain(`GET ${server.url}/multi`);
    expect(String(r.request)).not.toMatch(/a=1|b=2/);
    expect(s.cookies.getCookieHeader(new URL(server.url))).toBe('a=1; b=2');
  });

  it('decodes text with the charset from Content-Type', async () => {
    await using s = new Session({ baseUrl: server.url });
    expect(await (await s.get('/latin1')).text()).toBe('café');
  });

  it('json() of a non-JSON body says what came instead', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/notjson');
    await expect(r.json()).rejects.toThrow(/is not JSON: "<html>login<\/html>"/);
    await expect(r.json()).rejects.toBeInstanceOf(SessioError);
  });

  it.each(['gzip', 'deflate', 'deflate-raw', 'br', 'gzip,br', ...(hasZstd ? ['zstd'] : [])])('decodes %s', async (enc) => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get(`/encoded?enc=${enc}`);
    expect(await r.json()).toEqual(JSON.parse(payload));
  });

  it('decodes a streamed body too', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/encoded?enc=br', { stream: true });
    expect(r.body).toBeDefined();
    expect(JSON.parse(Buffer.from(await r.bytes()).toString())).toEqual(JSON.parse(payload));
  });

  it('stops a decompression bomb at maxDecodedSize with a clear error', async () => {
    await using s = new Session({ baseUrl: server.url, maxDecodedSize: 10 * 1024 * 1024 });
    const err = await s.get('/bomb').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BodyTooLargeError);
    expect(String(err)).toMatch(/exceeds maxDecodedSize \(10485760 bytes\).*GET http:\/\/127\.0\.0\.1:\d+\/bomb/);
    // The session is still usable afterwards.
    expect((await s.get('/')).status).toBe(200);
  });

  it('stops a streamed bomb too, and a plain body over a per-request limit', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/bomb', { stream: true, maxDecodedSize: 1024 * 1024 });
    await expect(r.bytes()).rejects.toThrow();
    await expect(s.get('/big', { maxDecodedSize: 1024 * 1024 })).rejects.toBeInstanceOf(BodyTooLargeError);
    expect((await s.get('/big')).status).toBe(200);
  });

  it('stream: true resolves at the headers and gives an async-iterable body', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/stream', { stream: true });
    const parts: string[] = [];
    for await (const chunk of r.body!) parts.push(String(chunk));
    expect(parts.join('')).toBe('part1,part2');
  });

  it('a cancelled stream releases the request and the session goes on', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.get('/big', { stream: true });
    await r.cancel();
    expect(await (await s.get('/')).text()).toBe('default');
  });
});
