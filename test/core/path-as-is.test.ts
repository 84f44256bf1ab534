// `pathAsIs`: the request target as written, against a Node server that reports the raw target it got.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/a/../redirect') return void res.writeHead(302, { location: '/x/../y' }).end();
    // A server that tidies paths (Go's ServeMux) redirects a written path to its tidy form.
    if (req.url === '/a/../tidy') return void res.writeHead(301, { location: '/tidy' }).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ target: req.url }));
  });
});
afterAll(async () => {
  await server?.close();
});

const target = async (s: Session, url: string | URL, pathAsIs = true) => (await (await s.get(url, { pathAsIs })).json<{ target: string }>()).target;

describe('pathAsIs', () => {
  it('sends dot segments, %2e and query as written', async () => {
    await using s = new Session();
    expect(await target(s, `${server.url}/a/./b/../../etc/passwd?x=1&y=/../`)).toBe('/a/./b/../../etc/passwd?x=1&y=/../');
    expect(await target(s, `${server.url}/a/%2e%2e/b`)).toBe('/a/%2e%2e/b');
    expect(await target(s, `${server.url}/a/%2e%2e/b`, false)).toBe('/b');
    expect(await target(s, `${server.url}/a/../b`, false)).toBe('/b');
  });

  it('percent-encodes only what a request target cannot carry', async () => {
    await using s = new Session();
    expect(await target(s, `${server.url}/../a b/é/"x"/\ud800`)).toBe('/../a%20b/%C3%A9/%22x%22/%EF%BF%BD');
  });

  it('joins a relative path to the base URL as sessio always does, keeping its dots', async () => {
    await using s = new Session({ baseUrl: `${server.url}/api/`, params: { v: '1' } });
    expect(await target(s, '../admin/./x')).toBe('/api/../admin/./x?v=1');
    expect(await target(s, '/../admin')).toBe('/api/../admin?v=1');
  });

  it('does nothing for a URL object, and a redirect target is normalised', async () => {
    await using s = new Session();
    expect(await target(s, new URL(`${server.url}/a/../b`))).toBe('/b');
    const r = await s.get(`${server.url}/a/../redirect`, { pathAsIs: true });
    expect(r.history.map((h) => h.request.url)).toEqual([`${server.url}/a/../redirect`]);
    expect((await r.json<{ target: string }>()).target).toBe('/y');
  });

  it('sends a tidy redirect target as it is, instead of the written path again', async () => {
    await using s = new Session();
    const r = await s.get(`${server.url}/a/../tidy`, { pathAsIs: true });
    expect(r.history.map((h) => h.request.url)).toEqual([`${server.url}/a/../tidy`]);
    expect((await r.json<{ target: string }>()).target).toBe('/tidy');
  });

  it('reads a backslash as URL parsing does: it ends the host and separates segments', async () => {
    await using s = new Session();
    expect(await target(s, `${server.url}\\x/../y`)).toBe('/x/../y');
  });

  it('shows the written path in response.request and in its curl command', async () => {
    await using s = new Session();
    const r = await s.get(`${server.url}/a/../b?q=1`, { pathAsIs: true });
    expect(r.request.url).toBe(`${server.url}/a/../b?q=1`);
    expect(r.url).toBe(`${server.url}/b?q=1`);
    expect(r.request.toCurl()).toMatch(new RegExp(`^curl --path-as-is '${server.url}/a/\\.\\./b\\?q=1' -H`));
    expect(s.prepare('GET', `${server.url}/a/b`, { pathAsIs: true }).toCurl()).toMatch(new RegExp(`^curl ${server.url}/a/b -H`));
  });
});
