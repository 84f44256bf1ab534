import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { springSkipReason, startSpring, type SpringServer } from './helpers/spring.js';

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

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } };
}

function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

/** Spring Security 6's XorCsrfTokenRequestAttributeHandler mask: base64url(random ‖ random XOR token). */
function mask(raw: string): string {
  const token = Buffer.from(raw, 'utf8');
  const random = randomBytes(token.length);
  return Buffer.concat([random, Buffer.from(token.map((b, i) => b ^ random[i]!))]).toString('base64url');
}

function unmask(masked: string): string {
  const bytes = Buffer.from(masked, 'base64url');
  const half = bytes.length / 2;
  return Buffer.from(bytes.subarray(half).map((b, i) => b ^ bytes[i]!)).toString('utf8');
}

async function control(server: SpringServer, path: string, method = 'POST'): Promise<Record<string, unknown>> {
  return (await (await fetch(server.url + path, { method })).json()) as Record<string, unknown>;
}

/** GET /login, then POST it with the page's hidden _csrf value. */
async function login(server: SpringServer, jar: Jar, username = 'alice', password = 'secret', extra: Record<string, string> = {}): Promise<Response> {
  const page = await send(server, jar, '/login');
  return send(server, jar, '/login', form({ username, password, _csrf: hiddenCsrf(await page.text()), ...extra }));
}

function cookieLine(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

describe.skipIf(springSkipReason !== undefined)('Spring fixture, session CSRF', () => {
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
  it('shows the 5.x login page failure: Bad credentials, and a locked account', async () => {
    const jar: Jar = new Map();
    expect((await login(server, jar, 'alice', 'nope')).headers.get('location')).toBe('/login?error');
    const page = await (await send(server, jar, '/login?error')).text();
    expect(page).toContain('<form class="form-signin" method="post" action="/login">');
    expect(page).toContain('<div class="alert alert-danger" role="alert">Bad credentials</div>');
    await login(server, jar, 'carol', 'secret');
    expect(await (await send(server, jar, '/login?error')).text()).toContain('<div class="alert alert-danger" role="alert">User account is locked</div>');
  });

  it('refuses a POST after the session expired with Spring\'s "session was not found" 403', async () => {
    const jar: Jar = new Map();
    await login(server, jar);
    const { token } = (await (await send(server, jar, '/csrf')).json()) as { token: string };
    await control(server, '/test/expire-sessions');
    const refused = await send(server, jar, '/api/items', json({ name: 'late' }, { 'x-csrf-token': token }));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      status: 403, error: 'Forbidden', path: '/api/items',
      message: 'Could not verify the provided CSRF token because your session was not found.',
    });
  });

  it('logs in again from the remember-me cookie after the session expired, and logout clears it', async () => {
    await control(server, '/test/reset');
    const jar: Jar = new Map();
    const ok = await login(server, jar, 'alice', 'secret', { 'remember-me': 'on' });
    expect(cookieLine(ok, 'remember-me')).toMatch(/^remember-me=[\w=]+; Max-Age=1209600;/);
    await control(server, '/test/expire-sessions');
    expect(await (await send(server, jar, '/api/me')).json()).toEqual({ user: 'alice' });
    expect(await control(server, '/test/stats', 'GET')).toMatchObject({ logins: 1, rememberMeLogins: 1 });
    const { token } = (await (await send(server, jar, '/csrf')).json()) as { token: string };
    const out = await send(server, jar, '/logout', form({ _csrf: token }));
    expect(out.headers.get('location')).toBe('/login?logout');
    expect(cookieLine(out, 'remember-me')).toMatch(/Max-Age=0/);
    expect((await send(server, jar, '/api/me')).status).toBe(401);
  });

  it('expires one user\'s sessions with /test/expire-sessions?user=, and counts requests per endpoint', async () => {
    const a: Jar = new Map();
    const b: Jar = new Map();
    await login(server, a, 'alice', 'secret');
    await login(server, b, 'bob', 'hunter2');
    await control(server, '/test/reset');
    expect(await control(server, '/test/expire-sessions?user=alice')).toEqual({ expired: 1 });
    expect((await send(server, a, '/api/me')).status).toBe(401);
    expect(await (await send(server, b, '/api/me')).json()).toEqual({ user: 'bob' });
    const stats = await control(server, '/test/stats', 'GET');
    expect(stats).toMatchObject({ requests: 2, unauthorized: 1, endpoints: { 'GET /api/me': 2 } });
  });

  it('answers 403 "Access is denied" as Boot JSON to a USER on an ADMIN path', async () => {
    const user: Jar = new Map();
    const admin: Jar = new Map();
    await login(server, user);
    await login(server, admin, 'admin', 'admin');
    const denied = await send(server, user, '/api/admin/ping');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ status: 403, error: 'Forbidden', message: 'Access is denied', path: '/api/admin/ping' });
    expect(await (await send(server, admin, '/api/admin/ping')).json()).toEqual({ admin: 'admin' });
  });

  it('HTTP Basic: Spring\'s challenge, a success, a locked user refused', async () => {
    const challenge = await send(server, new Map(), '/basic/hello');
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe('Basic realm="sessio"');
    const basic = (user: string, password: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
    expect(await (await send(server, new Map(), '/basic/hello', basic('alice', 'secret'))).json()).toEqual({ user: 'alice', auth: 'basic' });
    expect((await send(server, new Map(), '/basic/hello', basic('carol', 'secret'))).status).toBe(401);
  });

  it('Spring\'s MD5 Digest: hand-computed answer accepted, wrong password refused', async () => {
    await control(server, '/test/reset');
    const challenge = await send(server, new Map(), '/digest/hello');
    const header = challenge.headers.get('www-authenticate') ?? '';
    expect(header).toMatch(/^Digest realm="sessio-digest", qop="auth", nonce="[^"]+"$/);
    const nonce = /nonce="([^"]+)"/.exec(header)![1]!;
    const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
    const answer = (password: string): RequestInit => {
      const cnonce = randomBytes(8).toString('hex');
      const response = md5(`${md5(`alice:sessio-digest:${password}`)}:${nonce}:00000001:${cnonce}:auth:${md5('GET:/digest/hello')}`);
      return { headers: { authorization: `Digest username="alice", realm="sessio-digest", nonce="${nonce}", uri="/digest/hello", qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}"` } };
    };
    expect(await (await send(server, new Map(), '/digest/hello', answer('secret'))).json()).toEqual({ user: 'alice', auth: 'digest', algorithm: 'MD5' });
    expect((await send(server, new Map(), '/digest/hello', answer('wrong'))).status).toBe(401);
    expect(await control(server, '/test/stats', 'GET')).toMatchObject({ digestChallenges: 1, digestSuccesses: 1, digestFailures: 1 });
  });

  it('Bearer: invalid_token on a bad JWT, insufficient_scope (403, scope named) without scope admin', async () => {
    const bad = await send(server, new Map(), '/api/jwt/me', { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", error_uri="/);
    const token = async (scope: string): Promise<string> => {
      const res = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sessio-client', client_secret: 'sessio-secret', scope }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const narrow = await send(server, new Map(), '/api/jwt/admin', { headers: { authorization: `Bearer ${await token('read')}` } });
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1", scope="admin"');
    expect(await narrow.text()).toBe('');
    const wide = await send(server, new Map(), '/api/jwt/admin', { headers: { authorization: `Bearer ${await token('read admin')}` } });
    expect(await wide.json()).toEqual({ admin: 'sessio-client' });
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, cookie CSRF', () => {
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
