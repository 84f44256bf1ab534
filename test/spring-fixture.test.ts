import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSpring, type SpringServer } from './helpers/spring.js';

// Smoke test of the Spring fixture itself, with plain fetch and a hand-kept cookie map (no sessio code).
// Start-up may include apt-get install and javac on a fresh machine, hence the long hook timeout.
const START_TIMEOUT_MS = 300_000;

type Jar = Map<string, string>;

function remember(jar: Jar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/max-age=0/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

async function send(server: SpringServer, jar: Jar, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
  const response = await fetch(server.url + path, { ...init, headers, redirect: 'manual' });
  remember(jar, response);
  return response;
}

function hiddenCsrf(html: string): string {
  const match = /<input name="_csrf" type="hidden" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no _csrf input in page');
  return match[1];
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

describe('Spring fixture, session CSRF', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ csrf: 'session' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('answers 401 JSON on /api/me without a session', async () => {
    const response = await send(server, new Map(), '/api/me');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 401, path: '/api/me' });
  });

  it('logs in with CSRF, changes JSESSIONID, rotates the token and keeps the saved request', async () => {
    const jar: Jar = new Map();
    const redirect = await send(server, jar, '/account?tab=1');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`${server.url}/login`);
    const page = await send(server, jar, '/login');
    const token = hiddenCsrf(await page.text());
    const before = jar.get('JSESSIONID');
    expect(before).toBeTruthy();

    expect((await send(server, jar, '/login', form({ username: 'alice', password: 'secret' }))).status).toBe(403);
    const bad = await send(server, jar, '/login', form({ username: 'alice', password: 'nope', _csrf: token }));
    expect(bad.headers.get('location')).toBe('/login?error');

    const ok = await send(server, jar, '/login', form({ username: 'alice', password: 'secret', _csrf: token }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(`${server.url}/account?tab=1`);
    expect(jar.get('JSESSIONID')).not.toBe(before);
    expect(await (await send(server, jar, '/api/me')).json()).toEqual({ user: 'alice' });
    expect((await send(server, new Map([['JSESSIONID', before!]]), '/api/me')).status).toBe(401);

    const item = { method: 'POST', body: JSON.stringify({ name: 'x' }), headers: { 'content-type': 'application/json', 'x-csrf-token': token } };
    expect((await send(server, jar, '/api/items', item)).status).toBe(403);
    const fresh = (await (await send(server, jar, '/csrf')).json()) as { token: string; headerName: string };
    expect(fresh.headerName).toBe('X-CSRF-TOKEN');
    const created = await send(server, jar, '/api/items', { ...item, headers: { ...item.headers, 'x-csrf-token': fresh.token } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: expect.any(Number), name: 'x' });

    expect((await send(server, new Map(), '/test/expire-sessions', { method: 'POST' })).status).toBe(200);
    expect((await send(server, jar, '/api/me')).status).toBe(401);
  });

  it('verifies a hand-computed SHA-256 Digest response and refuses its replay', async () => {
    const challenge = await send(server, new Map(), '/digest-sha256/hello');
    expect(challenge.status).toBe(401);
    const header = challenge.headers.get('www-authenticate') ?? '';
    const param = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(header)?.[1] ?? '';
    const h = (text: string): string => createHash('sha256').update(text).digest('hex');
    const [realm, nonce, opaque, uri, nc, cnonce] = [param('realm'), param('nonce'), param('opaque'), '/digest-sha256/hello', '00000001', randomBytes(8).toString('hex')];
    const response = h(`${h(`alice:${realm}:secret`)}:${nonce}:${nc}:${cnonce}:auth:${h(`GET:${uri}`)}`);
    const authorization = `Digest username="alice", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${opaque}"`;
    const ok = await send(server, new Map(), uri, { headers: { authorization } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user: 'alice', auth: 'digest', algorithm: 'SHA-256' });
    expect(ok.headers.get('authentication-info')).toMatch(/^rspauth="[0-9a-f]{64}"/);
    expect((await send(server, new Map(), uri, { headers: { authorization } })).status).toBe(401);
  });

  it('issues a JWT that /api/jwt/me accepts until it expires', async () => {
    const issued = await send(server, new Map(), '/api/auth/token', {
      method: 'POST', body: JSON.stringify({ username: 'alice', password: 'secret' }), headers: { 'content-type': 'application/json' },
    });
    const body = (await issued.json()) as { access_token: string; token_type: string; refresh_token: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.access_token.split('.')).toHaveLength(3);
    const bearer = { headers: { authorization: `Bearer ${body.access_token}` } };
    expect(await (await send(server, new Map(), '/api/jwt/me', bearer)).json()).toEqual({ user: 'alice' });
    await send(server, new Map(), '/test/clock/advance?seconds=3600', { method: 'POST' });
    try {
      expect((await send(server, new Map(), '/api/jwt/me', bearer)).status).toBe(401);
    } finally {
      await send(server, new Map(), '/test/reset', { method: 'POST' });
    }
  });
});

describe('Spring fixture, cookie CSRF', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ csrf: 'cookie' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('sets XSRF-TOKEN, accepts it on login and rotates it', async () => {
    const jar: Jar = new Map();
    await send(server, jar, '/login');
    const token = jar.get('XSRF-TOKEN');
    expect(token).toBeTruthy();
    const ok = await send(server, jar, '/login', form({ username: 'bob', password: 'hunter2', _csrf: token! }));
    expect(ok.headers.get('location')).toBe('/');
    expect(jar.get('XSRF-TOKEN')).not.toBe(token);
    const created = await send(server, jar, '/api/items', {
      method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json', 'x-xsrf-token': jar.get('XSRF-TOKEN')! },
    });
    expect(created.status).toBe(201);
  });
});
