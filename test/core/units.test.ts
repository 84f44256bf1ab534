import type http from 'node:http';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { sameAuthOrigin } from '../../src/auth/scheme.js';
import { mergeParams, resolveUrl } from '../../src/core/url.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

describe('sameAuthOrigin (requests should_strip_auth)', () => {
  it.each([
    ['http://a.test/x', 'http://a.test/y', true],
    ['http://a.test/', 'https://a.test/', true],
    ['http://a.test:8080/', 'https://a.test:8443/', false],
    ['https://a.test/', 'http://a.test/', false],
    ['http://a.test/', 'http://b.test/', false],
    ['http://a.test/', 'http://a.test:81/', false],
    ['http://127.0.0.1:80/', 'http://localhost/', false],
  ])('%s → %s: %s', (from, to, same) => {
    expect(sameAuthOrigin(new URL(from), new URL(to))).toBe(same);
  });
});

describe('URL helpers', () => {
  it('joins base and path without doubling or losing slashes', () => {
    expect(resolveUrl('/a', 'http://h/api/').href).toBe('http://h/api/a');
    expect(resolveUrl('', 'http://h/api').href).toBe('http://h/api');
    expect(resolveUrl('https://x.test/p', 'http://h/api').href).toBe('https://x.test/p');
  });

  it('collects repeated keys given as pairs', () => {
    expect(mergeParams([['a', '1'], ['a', '2']], { b: 3 })).toEqual([['a', '1'], ['a', '2'], ['b', '3']]);
  });
});

describe('injected dispatcher and HEAD', () => {
  let server: TestServer<http.Server>;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/moved') return void res.writeHead(302, { location: '/' }).end();
      res.setHeader('content-length', '5');
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
  });
  afterAll(() => server.close());

  it('uses an injected undici dispatcher and leaves it open on close()', async () => {
    const agent = new Agent();
    const s = new Session({ baseUrl: server.url, dispatcher: agent });
    expect(await (await s.get('/')).text()).toBe('hello');
    await s.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });

  it('HEAD returns headers and an empty body', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.head('/');
    expect(r.headers.get('content-length')).toBe('5');
    expect((await r.bytes()).byteLength).toBe(0);
  });

  it('head() does not follow a redirect unless asked; request("HEAD") does, as in requests', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.head('/moved');
    expect([r.status, r.headers.get('location')]).toEqual([302, '/']);
    expect((await s.head('/moved', { followRedirects: true })).status).toBe(200);
    expect((await s.request('HEAD', '/moved')).status).toBe(200);
  });
});
