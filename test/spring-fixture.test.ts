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

describe.skipIf(springSkipReason !== undefined)('Spring fixture, cookie CSRF (Spring Security 5: eager cookie)', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ csrf: 'cookie' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('sets XSRF-TOKEN on any response to a request without it', async () => {
    expect(cookieLine(await send(server, new Map(), '/public/hello'), 'XSRF-TOKEN')).toMatch(/^XSRF-TOKEN=[\w-]{36}; Path=\//);
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, Spring Security 4 login page', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ spring: 4 }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('is 4.2\'s DefaultLoginPageGeneratingFilter page, with the reason in <font color=\'red\'>', async () => {
    const jar: Jar = new Map();
    const page = await (await send(server, jar, '/login')).text();
    expect(page).toContain("<form name='f' action='/login' method='POST'>");
    expect(page).toContain("<input type='checkbox' name='remember-me'/>");
    expect((await login(server, jar, 'alice', 'nope')).headers.get('location')).toBe('/login?error');
    expect(await (await send(server, jar, '/login?error')).text()).toContain(
      "<p><font color='red'>Your login attempt was not successful, try again.<br/><br/>Reason: Bad credentials</font></p>");
    await login(server, jar, 'carol', 'secret');
    expect(await (await send(server, jar, '/login?error')).text()).toContain('Reason: User account is locked</font>');
    expect((await login(server, jar)).headers.get('location')).toBe('/');
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, Spring Security 6, session CSRF (XOR handler)', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ spring: 6 }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('renders the 6.x login page with a fresh mask of the same token each time; any of them logs in', async () => {
    const jar: Jar = new Map();
    const first = await (await send(server, jar, '/login')).text();
    const second = await (await send(server, jar, '/login')).text();
    expect(first).toContain('<form class="login-form" method="post" action="/login">');
    const [a, b] = [hiddenCsrf(first), hiddenCsrf(second)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[\w-]{96}$/);
    expect(unmask(a)).toBe(unmask(b));
    const ok = await send(server, jar, '/login', form({ username: 'alice', password: 'secret', _csrf: a }));
    expect(ok.headers.get('location')).toBe('/');
    await send(server, jar, '/login?error');
    const failed = await send(server, new Map(), '/login?error');
    expect(await failed.text()).toContain('<div class="alert alert-danger" role="alert">Invalid credentials</div>');
  });

  it('accepts only a masked token, and answers Boot 3\'s error body (no message) to a refusal', async () => {
    const jar: Jar = new Map();
    await login(server, jar);
    const { token } = (await (await send(server, jar, '/csrf')).json()) as { token: string };
    const raw = unmask(token);
    const refused = await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-csrf-token': raw }));
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['timestamp', 'status', 'error', 'path']);
    expect(body).toMatchObject({ status: 403, error: 'Forbidden', path: '/api/items' });
    expect((await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-csrf-token': mask(raw) }))).status).toBe(201);
    expect((await send(server, jar, '/api/items', json({ name: 'y' }, { 'x-csrf-token': token }))).status).toBe(201);
  });

  it('refuses a POST after the session expired with a 403 whose Boot 3 body names no reason', async () => {
    const jar: Jar = new Map();
    await login(server, jar);
    const { token } = (await (await send(server, jar, '/csrf')).json()) as { token: string };
    await control(server, '/test/expire-sessions');
    const refused = await send(server, jar, '/api/items', json({ name: 'late' }, { 'x-csrf-token': token }));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ timestamp: expect.any(String), status: 403, error: 'Forbidden', path: '/api/items' });
  });

  it('adds ?continue to the saved-request redirect and matches only that URL', async () => {
    const jar: Jar = new Map();
    expect((await send(server, jar, '/account?tab=1')).headers.get('location')).toBe(`${server.url}/login`);
    const ok = await login(server, jar);
    expect(ok.headers.get('location')).toBe(`${server.url}/account?tab=1&continue`);
    const page = await send(server, jar, '/account?tab=1&continue');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Account of alice</h1>');
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, Spring Security 6, cookie CSRF (XOR handler, deferred)', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ spring: 6, csrf: 'cookie' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('issues XSRF-TOKEN only when something loads it, clears it at login and logout', async () => {
    const jar: Jar = new Map();
    expect(cookieLine(await send(server, jar, '/public/hello'), 'XSRF-TOKEN')).toBeUndefined();
    const page = await (await send(server, jar, '/login')).text();
    const raw = jar.get('XSRF-TOKEN')!;
    expect(raw).toMatch(/^[\w-]{36}$/);
    expect(unmask(hiddenCsrf(page))).toBe(raw);
    const ok = await send(server, jar, '/login', form({ username: 'alice', password: 'secret', _csrf: hiddenCsrf(page) }));
    expect(ok.headers.get('location')).toBe('/');
    expect(ok.headers.getSetCookie().filter((line) => line.startsWith('XSRF-TOKEN='))).toEqual([expect.stringMatching(/^XSRF-TOKEN=; Max-Age=0;/)]);
    expect(jar.has('XSRF-TOKEN')).toBe(false);

    const missing = await send(server, jar, '/api/items', json({ name: 'x' }));
    expect(missing.status).toBe(403);
    const fresh = jar.get('XSRF-TOKEN')!;
    expect(fresh).toMatch(/^[\w-]{36}$/);
    expect((await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-xsrf-token': fresh }))).status).toBe(403);
    expect((await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-xsrf-token': mask(fresh) }))).status).toBe(201);

    const out = await send(server, jar, '/logout', form({ _csrf: mask(fresh) }));
    expect(out.headers.get('location')).toBe('/login?logout');
    expect(cookieLine(out, 'XSRF-TOKEN')).toMatch(/^XSRF-TOKEN=; Max-Age=0;/);
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, Spring Security 6, cookie CSRF (SPA handler)', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ spring: 6, csrf: 'cookie', csrfHandler: 'spa' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('loads the token on every request, takes the header plain and the _csrf parameter masked', async () => {
    const jar: Jar = new Map();
    expect(cookieLine(await send(server, jar, '/public/hello'), 'XSRF-TOKEN')).toBeDefined();
    const before = jar.get('XSRF-TOKEN');
    expect((await login(server, jar)).headers.get('location')).toBe('/');
    const after = jar.get('XSRF-TOKEN')!;
    expect(after).toMatch(/^[\w-]{36}$/);
    expect(after).not.toBe(before);
    expect((await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-xsrf-token': mask(after) }))).status).toBe(403);
    expect((await send(server, jar, '/api/items', json({ name: 'x' }, { 'x-xsrf-token': after }))).status).toBe(201);
    expect((await send(server, jar, '/logout', form({ _csrf: after }))).status).toBe(403);
    expect((await send(server, jar, '/logout', form({ _csrf: mask(jar.get('XSRF-TOKEN')!) }))).headers.get('location')).toBe('/login?logout');
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, maximumSessions(1)', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ maximumSessions: 1 }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('expires the older session at a second login; its next request gets ConcurrentSessionFilter\'s 200 text', async () => {
    const first: Jar = new Map();
    const second: Jar = new Map();
    await login(server, first);
    await login(server, second);
    const expired = await send(server, first, '/api/me');
    expect(expired.status).toBe(200);
    expect(await expired.text()).toBe('This session has been expired (possibly due to multiple concurrent logins being attempted as the same user).');
    expect((await send(server, first, '/api/me')).status).toBe(401);
    expect(await (await send(server, second, '/api/me')).json()).toEqual({ user: 'alice' });
    expect(await control(server, '/test/stats', 'GET')).toMatchObject({ concurrentSessionsExpired: 1 });
  });
});

for (const [store, header] of [['header', 'x-auth-token'], ['authentication-info', 'authentication-info']] as const) {
  describe.skipIf(springSkipReason !== undefined)(`Spring fixture, Spring Session ${header} resolver`, () => {
    let server: SpringServer;
    beforeAll(async () => { server = await startSpring({ sessionStore: store }); }, START_TIMEOUT_MS);
    afterAll(async () => { await server?.stop(); });

    it('sends the session id in a header, changes it at login, blanks it at logout', async () => {
      const page = await send(server, new Map(), '/login');
      const anonymous = page.headers.get(header)!;
      expect(anonymous).toMatch(/^[\da-f-]{36}$/);
      expect(page.headers.getSetCookie()).toEqual([]);
      const ok = await send(server, new Map(), '/login', form({ username: 'alice', password: 'secret', _csrf: hiddenCsrf(await page.text()) }, { [header]: anonymous }));
      const id = ok.headers.get(header)!;
      expect(id).toMatch(/^[\da-f-]{36}$/);
      expect(id).not.toBe(anonymous);
      expect(await (await send(server, new Map(), '/api/me', { headers: { [header]: id } })).json()).toEqual({ user: 'alice' });
      expect((await send(server, new Map(), '/api/me', { headers: { [header]: anonymous } })).status).toBe(401);
      const again = await send(server, new Map(), '/api/me', { headers: { [header]: id } });
      expect(again.headers.get(header)).toBeNull();
      const { token } = (await (await send(server, new Map(), '/csrf', { headers: { [header]: id } })).json()) as { token: string };
      const out = await send(server, new Map(), '/logout', form({ _csrf: token }, { [header]: id }));
      expect(out.headers.get('location')).toBe('/login?logout');
      expect(out.headers.get(header)).toBe('');
      expect((await send(server, new Map(), '/api/me', { headers: { [header]: id } })).status).toBe(401);
    });
  });
}

describe.skipIf(springSkipReason !== undefined)('Spring fixture, Spring Session SESSION cookie', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ sessionStore: 'cookie' }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('keeps the session in a base64 SESSION cookie instead of JSESSIONID', async () => {
    const jar: Jar = new Map();
    const page = await send(server, jar, '/login');
    expect(cookieLine(page, 'SESSION')).toMatch(/^SESSION=[A-Za-z0-9+/]+=*; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(Buffer.from(jar.get('SESSION')!, 'base64').toString()).toMatch(/^[\da-f-]{36}$/);
    const before = jar.get('SESSION');
    await send(server, jar, '/login', form({ username: 'alice', password: 'secret', _csrf: hiddenCsrf(await page.text()) }));
    expect(jar.get('SESSION')).not.toBe(before);
    expect(jar.has('JSESSIONID')).toBe(false);
    expect(await (await send(server, jar, '/api/me')).json()).toEqual({ user: 'alice' });
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring fixture, bucket4j rate limit', () => {
  let server: SpringServer;
  beforeAll(async () => { server = await startSpring({ rateLimit: 2, rateLimitSeconds: 60 }); }, START_TIMEOUT_MS);
  afterAll(async () => { await server?.stop(); });

  it('counts down X-Rate-Limit-Remaining, then answers 429 with X-Rate-Limit-Retry-After-Seconds', async () => {
    const remaining = [];
    for (let i = 0; i < 2; i++) remaining.push((await send(server, new Map(), '/api/me')).headers.get('x-rate-limit-remaining'));
    expect(remaining).toEqual(['1', '0']);
    const limited = await send(server, new Map(), '/api/me');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-rate-limit-retry-after-seconds'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('x-rate-limit-retry-after-seconds'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({ message: 'Too many requests!' });
    expect((await send(server, new Map(), '/public/hello')).status).toBe(200);
    expect(await control(server, '/test/stats', 'GET')).toMatchObject({ rateLimited: 1 });
    await control(server, '/test/reset');
    expect((await send(server, new Map(), '/api/me')).headers.get('x-rate-limit-remaining')).toBe('1');
  });
});
