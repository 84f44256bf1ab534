/**
 * Stateful login against the real Spring MVC + Tomcat fixture (test/fixtures/spring): form login with
 * session and cookie CSRF, re-login, Basic and Digest, JWT and OAuth 2 token logins. The server's own
 * counters (/test/stats) say what it saw.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  Session,
  clientCredentials,
  digestAuth,
  formLogin,
  jwtLogin,
  passwordGrant,
  refreshTokenGrant,
  type SessionInit,
} from '../../src/index.js';
import { springSkipReason, startSpring, type SpringServer } from '../helpers/spring.js';
import { startApp, type App } from './fixtures/app.js';

const START_TIMEOUT_MS = 300_000;
const CLIENT = { clientId: 'sessio-client', clientSecret: 'sessio-secret' };

type Stats = Record<string, number>;

const sessions: Session[] = [];
function session(init: SessionInit): Session {
  const s = new Session(init);
  sessions.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function control(server: SpringServer, path: string, method = 'GET'): Promise<Stats> {
  const res = await fetch(server.url + path, { method });
  return (await res.json()) as Stats;
}
const stats = (server: SpringServer) => control(server, '/test/stats');

function sessionId(s: Session, url: string): string | undefined {
  const jar = s.cookies as unknown as { getCookies(u: URL): { name: string; value: string }[] };
  return jar.getCookies(new URL(url)).find((c) => c.name === 'JSESSIONID')?.value;
}

describe.skipIf(springSkipReason !== undefined)('Spring, CSRF token in the session', () => {
  let server: SpringServer;
  let other: App;
  beforeAll(async () => {
    server = await startSpring({ csrf: 'session' });
    other = await startApp(() => ({ json: { other: true } }));
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await other?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    await control(server, '/test/expire-sessions', 'POST');
    await control(server, '/test/reset', 'POST');
  });
  const springSession = (extra: Partial<Parameters<typeof formLogin>[0]> = {}, csrf: SessionInit['csrf'] = 'spring') => session({
    baseUrl: server.url,
    csrf,
    login: formLogin({ url: '/login', username: 'alice', password: 'secret', logoutUrl: '/logout', ...extra }),
  });

  it('logs in with the form, keeps the new JSESSIONID and sends X-CSRF-TOKEN on POST', async () => {
    const s = springSession();
    await s.get('/login');
    const before = sessionId(s, server.url);
    await s.login();
    const after = sessionId(s, server.url);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toBe(before); // Spring's changeSessionId at login
    expect(await (await s.get('/api/me')).json()).toEqual({ user: 'alice' });
    const created = await s.post('/api/items', { json: { name: 'x' } });
    expect(created.status).toBe(201);
    expect(created.request.headers['x-csrf-token']).toMatch(/[\w-]{20,}/);
    expect(await stats(server)).toMatchObject({ logins: 1, csrfFailures: 0 });
  });

  it('logs in lazily on the first request that needs it', async () => {
    const s = springSession();
    const me = await s.get('/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ user: 'alice' });
    expect(await stats(server)).toMatchObject({ logins: 1, unauthorized: 1 });
  });

  it('a wrong password gives AuthenticationError with Spring\'s reason', async () => {
    const s = springSession({ password: 'not-it' });
    const err = await s.login().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toBe('Bad credentials');
    expect(String((err as Error).message)).not.toContain('not-it');
    expect(await stats(server)).toMatchObject({ logins: 0, loginFailures: 1 });
  });

  it('20 concurrent requests on an expired session cause exactly one login, and all 20 succeed', async () => {
    const s = springSession();
    await s.login();
    await control(server, '/test/expire-sessions', 'POST');
    const results = await Promise.all(Array.from({ length: 20 }, () => s.get('/api/me')));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await stats(server)).toMatchObject({ logins: 2 });
  });

  it('a redirect to /login for a page means expiry too', async () => {
    const s = springSession();
    await s.login();
    await control(server, '/test/expire-sessions', 'POST');
    const page = await s.get('/account');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Account of alice');
    expect(await stats(server)).toMatchObject({ logins: 2, loginRedirects: 1 });
  });

  it('an expired session: CSRF refusal, then 401, then one re-login, and the POST goes through with the rotated token', async () => {
    const s = springSession({ replayUnsafe: true }, { profile: 'spring', tokenUrl: '/csrf' });
    await s.login();
    expect((await s.post('/api/items', { json: { name: 'a' } })).status).toBe(201);
    await control(server, '/test/expire-sessions', 'POST');
    const res = await s.post('/api/items', { json: { name: 'b' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'b', owner: 'alice' });
    // Spring checks CSRF before authentication: the dead session's token is refused first (403), the
    // fresh anonymous token then meets the 401, and the token fetched after the re-login is accepted.
    expect(await stats(server)).toMatchObject({ logins: 2, csrfFailures: 1, unauthorized: 1 });
  });

  it('a 403 for a stale token refreshes it and replays once', async () => {
    const a = springSession();
    const b = springSession();
    await a.login();
    await b.login();
    // a now talks in b's server session, where its token is wrong.
    const jar = a.cookies as unknown as { setCookie(c: string, u: URL): unknown };
    jar.setCookie(`JSESSIONID=${sessionId(b, server.url)}; Path=/`, new URL(server.url));
    const res = await a.post('/api/items', { json: { name: 'c' } });
    expect(res.status).toBe(201);
    expect(await stats(server)).toMatchObject({ csrfFailures: 1 });
  });

  it('the CSRF token is never sent to a second origin', async () => {
    const s = springSession();
    await s.login();
    await s.post(`${other.url}/collect`, { json: {} });
    await s.put(`${other.url}/collect`, { json: {} });
    expect(other.seen.length).toBeGreaterThanOrEqual(2);
    for (const r of other.seen) {
      expect(r.headers['x-csrf-token']).toBeUndefined();
      expect(r.headers['x-xsrf-token']).toBeUndefined();
    }
  });

  it('logout() posts /logout, and the session logs in again when needed', async () => {
    const s = springSession();
    await s.login();
    await s.logout();
    expect(await stats(server)).toMatchObject({ logouts: 1, csrfFailures: 0 });
    expect((await s.get('/api/me')).status).toBe(200);
    expect(await stats(server)).toMatchObject({ logins: 2 });
  });

  it('Basic and Digest (MD5, SHA-256, a choice of both) against the server\'s real challenges', async () => {
    const basic = session({ auth: { username: 'alice', password: 'secret' } });
    expect(await (await basic.get(`${server.url}/basic/hello`)).json()).toMatchObject({ user: 'alice' });
    const digest = session({ baseUrl: server.url, auth: digestAuth('alice', 'secret') });
    expect(await (await digest.get('/digest/hello')).json()).toMatchObject({ user: 'alice', auth: 'digest', algorithm: 'MD5' });
    expect(await (await digest.get('/digest/hello?again=1')).json()).toMatchObject({ algorithm: 'MD5' });
    expect(await (await digest.get('/digest-sha256/hello')).json()).toMatchObject({ algorithm: 'SHA-256' });
    expect(await (await digest.get('/digest-both/hello')).json()).toMatchObject({ algorithm: 'SHA-256' });
    await control(server, '/test/expire-digest-nonces', 'POST');
    expect((await digest.get('/digest-both/hello')).status).toBe(200);
    const st = await stats(server);
    // One challenge per fresh nonce; the MD5 answer reused on the SHA-256-only path is refused once, as with requests.
    expect(st).toMatchObject({ basicSuccesses: 1, digestSuccesses: 5, digestFailures: 1, digestStale: 1 });
    const wrong = session({ auth: digestAuth('alice', 'nope') });
    expect((await wrong.get(`${server.url}/digest/hello`)).status).toBe(401);
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring, CSRF token in an XSRF-TOKEN cookie', () => {
  let server: SpringServer;
  beforeAll(async () => {
    server = await startSpring({ csrf: 'cookie' });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });

  it('sends X-XSRF-TOKEN from the cookie, and the rotated one after login', async () => {
    const s = session({ baseUrl: server.url, csrf: 'spring', login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    await s.login();
    const res = await s.post('/api/items', { json: { name: 'x' } });
    expect(res.status).toBe(201);
    const jar = s.cookies as unknown as { getCookies(u: URL): { name: string; value: string }[] };
    const cookie = jar.getCookies(new URL(server.url)).find((c) => c.name === 'XSRF-TOKEN')?.value;
    expect(res.request.headers['x-xsrf-token']).toBe(cookie);
    expect(await stats(server)).toMatchObject({ logins: 1, csrfFailures: 0 });
  });
});

describe.skipIf(springSkipReason !== undefined)('Spring, token logins', () => {
  let server: SpringServer;
  beforeAll(async () => {
    server = await startSpring({ accessTokenSeconds: 60 });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await control(server, '/test/reset', 'POST');
  });

  const jwt = (extra: Partial<Parameters<typeof jwtLogin>[0]> = {}) => session({
    baseUrl: server.url,
    login: jwtLogin({ url: '/api/auth/token', username: 'alice', password: 'secret', refreshUrl: '/api/auth/refresh', ...extra }),
  });

  it('jwtLogin logs in before the first request and sends the Bearer token', async () => {
    const s = jwt();
    expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'alice' });
    expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'alice' });
    expect(await stats(server)).toMatchObject({ tokensIssued: 1, jwtAccepted: 2, jwtRejected: 0 });
  });

  it('jwtLogin uses the refresh token when the server says the JWT expired', async () => {
    const s = jwt();
    await s.login();
    await control(server, '/test/clock/advance?seconds=120', 'POST');
    expect((await s.get('/api/jwt/me')).status).toBe(200);
    expect(await stats(server)).toMatchObject({ tokensIssued: 1, tokenRefreshes: 1, jwtRejected: 1 });
  });

  it('jwtLogin refreshes before exp, without a 401', async () => {
    const s = jwt({ refreshBeforeSeconds: 3600 }); // every token is "about to expire"
    await s.get('/api/jwt/me');
    await s.get('/api/jwt/me');
    expect(await stats(server)).toMatchObject({ tokensIssued: 1, tokenRefreshes: 2, jwtRejected: 0 });
  });

  it('jwtLogin with a wrong password gives AuthenticationError', async () => {
    const s = jwt({ password: 'bad' });
    const err = await s.get('/api/jwt/me').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toBe('invalid_credentials: Bad credentials');
    expect((err as AuthenticationError).status).toBe(401);
  });

  it('OAuth 2 client credentials (Basic and post client auth)', async () => {
    for (const clientAuth of ['basic', 'post'] as const) {
      const s = session({ baseUrl: server.url, login: clientCredentials({ tokenUrl: '/oauth/token', ...CLIENT, clientAuth, scope: ['read', 'write'] }) });
      expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'sessio-client' });
    }
    expect(await stats(server)).toMatchObject({ oauthTokensIssued: 2, oauthFailures: 0 });
  });

  it('OAuth 2 password grant, refreshed with its refresh token after expiry', async () => {
    const s = session({ baseUrl: server.url, login: passwordGrant({ tokenUrl: '/oauth/token', ...CLIENT, username: 'alice', password: 'secret' }) });
    expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'alice' });
    await control(server, '/test/clock/advance?seconds=120', 'POST');
    expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'alice' });
    expect(await stats(server)).toMatchObject({ oauthTokensIssued: 2, oauthFailures: 0, jwtRejected: 1 });
  });

  it('OAuth 2 refresh token grant starts from a stored refresh token', async () => {
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'secret', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
    });
    const { refresh_token: refreshToken } = (await res.json()) as { refresh_token: string };
    const s = session({ baseUrl: server.url, login: refreshTokenGrant({ tokenUrl: '/oauth/token', ...CLIENT, refreshToken }) });
    expect(await (await s.get('/api/jwt/me')).json()).toEqual({ user: 'alice' });
    // The refresh token rotated: the old one is refused, with the server's reason.
    const stale = session({ baseUrl: server.url, login: refreshTokenGrant({ tokenUrl: '/oauth/token', ...CLIENT, refreshToken }) });
    await expect(stale.get('/api/jwt/me')).rejects.toThrow(/invalid_grant: Invalid or expired refresh token/);
  });

  it('OAuth 2 with a wrong client secret gives AuthenticationError invalid_client', async () => {
    const s = session({ baseUrl: server.url, login: clientCredentials({ tokenUrl: '/oauth/token', clientId: CLIENT.clientId, clientSecret: 'wrong' }) });
    const err = await s.login().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toMatch(/^invalid_client/);
    expect((err as Error).message).not.toContain('wrong');
  });
});
