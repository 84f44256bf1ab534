import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (req.url === '/login') {
      res.writeHead(302, { location: '/me', 'set-cookie': 'SESSION=s1; Path=/; HttpOnly' }).end();
      return;
    }
    if (req.url === '/empty') return void res.writeHead(204).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null, auth: req.headers.authorization ?? null, method: req.method, body, ct: req.headers['content-type'] ?? null }));
  });
});
afterAll(() => server.close());

/** A typical fetch-based SDK: it takes a fetch function and knows nothing about sessions. */
class TinySdk {
  constructor(private readonly base: string, private readonly fetchImpl: typeof fetch) {}
  async me(): Promise<{ cookie: string | null; auth: string | null }> {
    const r = await this.fetchImpl(`${this.base}/me`, { headers: { accept: 'application/json' } });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json() as Promise<{ cookie: string | null; auth: string | null }>;
  }
  async create(item: object): Promise<{ method: string; body: string; ct: string }> {
    const r = await this.fetchImpl(new Request(`${this.base}/items`, { method: 'POST', body: JSON.stringify(item), headers: { 'content-type': 'application/json' } }));
    return r.json() as Promise<{ method: string; body: string; ct: string }>;
  }
}

describe('s.fetch', () => {
  it('lets a fetch-based SDK use the logged-in session (cookies, auth, pool)', async () => {
    await using s = new Session({ baseUrl: server.url, auth: { username: 'sdk', password: 'pw' } });
    const login = await s.fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ u: 'a' }) });
    expect(login.status).toBe(200);
    expect(login.redirected).toBe(true);
    expect(login.url).toBe(`${server.url}/me`);
    const sdk = new TinySdk(server.url, s.fetch);
    const me = await sdk.me();
    expect(me.cookie).toBe('SESSION=s1');
    expect(me.auth).toMatch(/^Basic /);
    const created = await sdk.create({ name: 'x' });
    expect(created).toMatchObject({ method: 'POST', body: '{"name":"x"}', ct: 'application/json' });
    expect(s.stats()[server.url]!.requests).toBe(4);
  });

  it('supports redirect: manual and error, and null-body statuses', async () => {
    await using s = new Session({ baseUrl: server.url });
    const manual = await s.fetch(`${server.url}/login`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/me');
    await expect(s.fetch(`${server.url}/login`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError);
    const empty = await s.fetch(`${server.url}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('sends FormData as multipart and strings as text/plain like fetch', async () => {
    await using s = new Session({ baseUrl: server.url });
    const fd = new FormData();
    fd.append('a', '1');
    const r = await (await s.fetch(`${server.url}/f`, { method: 'POST', body: fd })).json() as { ct: string; body: string };
    expect(r.ct).toMatch(/^multipart\/form-data; boundary=/);
    expect(r.body).toContain('name="a"');
    const t = await (await s.fetch(`${server.url}/t`, { method: 'POST', body: 'hi' })).json() as { ct: string };
    expect(t.ct).toBe('text/plain;charset=UTF-8');
  });
});
