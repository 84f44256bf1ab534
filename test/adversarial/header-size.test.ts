/**
 * Issue 12, bug 7: a response head larger than the limit — 1,000 Set-Cookie fields (27 KB), one 64 KB
 * header — fails with HeadersTooLargeError naming the response and the limit; `maxHeaderSize` raises
 * it, and the jar still keeps at most its per-domain limit of what arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadersTooLargeError, RequestError, Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<import('node:http').Server>;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/cookies') res.setHeader('set-cookie', Array.from({ length: 1_000 }, (_, i) => `c${i}=${'v'.repeat(16)}; Path=/`));
    if (req.url === '/huge') res.setHeader('x-huge', 'h'.repeat(64 * 1024));
    res.end('ok');
  });
});
afterAll(() => server?.close());

describe('response heads over the limit', () => {
  it.each(['/cookies', '/huge'])('%s fails with HeadersTooLargeError naming the request and the limit', async (path) => {
    await using s = new Session();
    const err = await s.get(`${server.url}${path}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeadersTooLargeError);
    expect((err as HeadersTooLargeError).code).toBe('ERR_HEADERS_TOO_LARGE');
    expect((err as HeadersTooLargeError).limit).toBe(16 * 1024);
    expect((err as Error).message).toContain(`GET ${server.url}${path}`);
    expect((err as Error).message).toContain('maxHeaderSize');
  });

  it('maxHeaderSize raises the limit; the jar keeps its per-domain limit of 1,000 cookies', async () => {
    await using s = new Session({ maxHeaderSize: 128 * 1024 });
    expect((await s.get(`${server.url}/cookies`)).status).toBe(200);
    expect(s.cookies.getCookies(server.url)).toHaveLength(50);
    expect((await s.get(`${server.url}/huge`)).status).toBe(200);
  });

  it('a limit that is not a positive whole number is refused when the session is made', () => {
    expect(() => new Session({ maxHeaderSize: 0 })).toThrow(RequestError);
  });
});
