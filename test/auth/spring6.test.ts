/**
 * Issue 13, client side: Spring Security 6 / Boot 3 / Spring Session behaviour with the `spring` CSRF
 * profile alone, against a Node server that follows the upstream classes (fixtures/spring6.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, HTTPError, Session, formLogin, jwtLogin, type SessionInit } from '../../src/index.js';
import { startSpring6, type Spring6, type Spring6Options } from './fixtures/spring6.js';

const servers: Spring6[] = [];
const sessions: Session[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((a) => a.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function spring(options: Spring6Options = {}): Promise<Spring6> {
  const s = await startSpring6(options);
  servers.push(s);
  return s;
}

function session(server: Spring6, init: Partial<SessionInit> = {}, login: Partial<Parameters<typeof formLogin>[0]> = {}): Session {
  const s = new Session({
    baseUrl: server.url,
    csrf: 'spring',
    login: formLogin({ url: '/login', username: 'alice', password: 'secret', ...login }),
    ...init,
  });
  sessions.push(s);
  return s;
}

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sessio-spring6-'));
  dirs.push(dir);
  return join(dir, 'session.json');
}

const postItem = (s: Session) => s.post('/api/items', { json: { name: 'x' } });

describe('masked CSRF tokens (XorCsrfTokenRequestAttributeHandler)', () => {
  it('xor handler: the cookie token is refused plain once, then sent masked, and the form is saved', async () => {
    const server = await spring({ csrfHandler: 'xor', loadTokenAlways: true });
    const s = session(server);
    await s.login();
    const refusedAtLogin = server.stats.csrfRefusals!; // the login page's cookie, sent plain
    expect(refusedAtLogin).toBe(1);
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(refusedAtLogin); // learned at the login: masked
    const sent = server.seen.filter((r) => r.method === 'POST' && r.path === '/api/items').map((r) => r.headers['x-xsrf-token'] as string);
    const raw = s.cookies.getCookies(new URL(server.url)).find((c) => c.name === 'XSRF-TOKEN')!.value;
    expect(sent.at(-1)).not.toBe(raw);
    expect(Buffer.from(sent.at(-1)!, 'base64url')).toHaveLength(2 * Buffer.byteLength(raw));
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(refusedAtLogin);
    expect(server.stats.executed).toBe(2);

    const file = await tempFile();
    await s.save(file);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { state: { csrf: { forms: Record<string, string> } } };
    expect(saved.state.csrf.forms[new URL(server.url).origin]).toBe('masked');
    const again = await Session.load(file, { login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    sessions.push(again);
    expect((await postItem(again)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(refusedAtLogin);
  });

  it('plain handler (Spring 5 behaviour): the plain token is taken at once', async () => {
    const server = await spring({ csrfHandler: 'plain' });
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(0);
  });

  it('SPA handler: plain in the header works', async () => {
    const server = await spring({ csrfHandler: 'spa', loadTokenAlways: true });
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(0);
  });

  it('session repository: page tokens, masked per render, are sent as the page gave them', async () => {
    const server = await spring({ csrfHandler: 'xor', repository: 'session' });
    const s = session(server);
    await s.login();
    await (await s.get('/form')).text();
    expect((await postItem(s)).status).toBe(201);
    await (await s.get('/form')).text(); // another render, another mask of the same token
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.csrfRefusals).toBe(0);
    expect(server.stats.executed).toBe(2);
  });
});

describe('refusals and deferred tokens', () => {
  for (const errorBody of ['boot', 'boot-message', 'empty'] as const) {
    it(`a ${errorBody} 403 with a deferred token on it: the first unsafe request after login succeeds`, async () => {
      const server = await spring({ errorBody });
      const s = session(server);
      await s.login(); // the login cleared the cookie: the next token is deferred
      expect(s.cookies.getCookies(new URL(server.url)).some((c) => c.name === 'XSRF-TOKEN')).toBe(false);
      const res = await postItem(s);
      expect(res.status).toBe(201);
      expect(server.stats.executed).toBe(1);
    });
  }

  it('a re-login clears the token again; the next POST still succeeds and runs once', async () => {
    const server = await spring();
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    server.expireSessions();
    expect((await postItem(s)).status).toBe(201);
    expect(server.stats.logins).toBe(2);
    expect(server.stats.executed).toBe(2);
  });

  it('a POST after expiry in session-CSRF mode logs in and is replayed once', async () => {
    const server = await spring({ repository: 'session', errorBody: 'boot-message' });
    const s = session(server);
    await s.login();
    await (await s.get('/form')).text();
    expect((await postItem(s)).status).toBe(201);
    server.expireSessions();
    const res = await postItem(s);
    expect(res.status).toBe(201);
    expect(server.stats.logins).toBe(2);
    expect(server.stats.executed).toBe(2);
  });

  it('20 concurrent requests after a server-side expiry cause exactly one login', async () => {
    const server = await spring();
    const s = session(server);
    await s.login();
    server.expireSessions();
    const all = await Promise.all(Array.from({ length: 20 }, () => s.get('/api/me', { headers: { accept: 'application/json' } })));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.stats.logins).toBe(2);
  });
});

describe('expiry signals', () => {
  it("ConcurrentSessionFilter's 'This session has been expired' text is a logged-out answer", async () => {
    const server = await spring();
    const first = session(server);
    const second = session(server);
    await first.login();
    await second.login(); // maximumSessions(1): first's session is expired now
    const res = await first.get('/api/me');
    expect(await res.json()).toEqual({ user: 'alice' });
    expect(server.stats.logins).toBe(3);
  });

  it("Spring Session's SESSION cookie: expiry, one re-login, the saved-request redirect back", async () => {
    const server = await spring({ sessionStore: 'spring-session' });
    const s = session(server);
    const page = await s.get('/orders'); // login on demand, then back to /orders?continue
    expect(page.status).toBe(200);
    expect(s.cookies.getCookies(new URL(server.url)).map((c) => c.name)).toContain('SESSION');
    server.expireSessions();
    expect((await s.get('/api/me')).status).toBe(200);
    expect(server.stats.logins).toBe(2);
  });

  it('Bearer invalid_token: one refresh; insufficient_scope: an AuthenticationError naming the scope', async () => {
    const server = await spring();
    const s = new Session({ baseUrl: server.url, login: jwtLogin({ url: '/api/bearer/token', username: 'alice', password: 'secret' }) });
    sessions.push(s);
    expect((await s.get('/api/bearer/data')).status).toBe(200);
    expect(server.stats.tokens).toBe(2); // the first token was refused with invalid_token
    const err = await s.get('/api/bearer/admin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('admin:write');
    expect(server.stats.tokens).toBe(2);
  });
});

describe('login pages of Spring Security 4, 5 and 6', () => {
  for (const version of [4, 5, 6] as const) {
    it(`${version}.x: the page's reason is in the AuthenticationError`, async () => {
      const server = await spring({ spring: version });
      const wrong = session(server, {}, { password: 'wrong' });
      const e1 = await wrong.login().catch((e: unknown) => e) as AuthenticationError;
      expect(e1).toBeInstanceOf(AuthenticationError);
      expect(e1.reason).toBe('Bad credentials');
      const locked = session(server, {}, { username: 'locked' });
      const e2 = await locked.login().catch((e: unknown) => e) as AuthenticationError;
      expect(e2.reason).toBe('User account is locked');
    });
  }

  it('rememberMe: recovery by the cookie alone, one remember-me login for 20 concurrent requests', async () => {
    const server = await spring({ spring: 4 });
    const s = session(server, {}, { rememberMe: true });
    await s.login();
    expect(server.rememberMeTokens()).toBe(1);
    server.expireSessions();
    const all = await Promise.all(Array.from({ length: 20 }, () => s.get('/api/me')));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(server.stats.logins).toBe(1); // no password posted again
    expect(server.stats.rememberMeLogins).toBe(1);
    expect(server.stats.thefts).toBe(0);
  });
});

describe('header sessions (HeaderHttpSessionIdResolver)', () => {
  for (const store of ['header', 'authentication-info'] as const) {
    const name = store === 'header' ? 'x-auth-token' : 'authentication-info';
    it(`${name}: sent back to its origin, ended by a blank value, saved, redacted`, async () => {
      const server = await spring({ sessionStore: store });
      const other = await spring();
      const s = session(server, { har: true }, { logoutUrl: '/logout' });
      await s.login();
      const me = await s.get('/api/me');
      expect(await me.json()).toEqual({ user: 'alice' });
      expect(me.request.toCurl()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      await (await s.get(`${other.url}/public`)).text();
      expect(other.seen.every((r) => r.headers[name] === undefined)).toBe(true);
      const har = JSON.stringify(s.har());
      expect(har).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);

      const file = await tempFile();
      await s.save(file);
      const again = await Session.load(file);
      sessions.push(again);
      expect(await (await again.get('/api/me')).json()).toEqual({ user: 'alice' });

      // A blank value ends the session: the next request goes without the header (and logs in again).
      await s.get('/api/end-session');
      const before = server.seen.length;
      expect((await s.get('/api/me')).status).toBe(200);
      expect(server.seen[before]!.headers[name]).toBeUndefined();
      expect(server.stats.logins).toBe(2);
    });
  }
});

describe('rate limits and error messages', () => {
  it("bucket4j's X-Rate-Limit-Retry-After-Seconds is the retry's delay and the rateLimit pause", async () => {
    const server = await spring();
    const delays: number[] = [];
    const s = new Session({ baseUrl: server.url, retry: { limit: 1, onRetry: (ctx) => { delays.push(ctx.delay); } }, rateLimit: { concurrency: 4 } });
    sessions.push(s);
    expect((await s.get('/api/limited')).status).toBe(200);
    expect(delays).toEqual([1000]);
    expect(s.stats()[new URL(server.url).origin]?.pauses).toBe(1);
  });

  it('HTTPError shows RFC 9457 problem details and Boot error JSON on one line, without the token', async () => {
    const server = await spring({ errorBody: 'boot-message', csrfHandler: 'plain' });
    const s = new Session({ baseUrl: server.url, throwHttpErrors: true });
    sessions.push(s);
    const problem = await s.get('/api/problem').catch((e: unknown) => e) as HTTPError;
    expect(problem).toBeInstanceOf(HTTPError);
    expect(problem.message).toMatch(/409 Client Error for GET .*\/api\/problem: Out of stock: Item 7 has 0 left \(instance \/api\/problem\)$/);
    const refused = await s.post('/api/items', { headers: { 'x-xsrf-token': 'leaked-secret-token' } }).catch((e: unknown) => e) as HTTPError;
    expect(refused.message).toMatch(/403 Client Error for POST .*: Forbidden: Invalid CSRF Token \[REDACTED\] was found .* \(path \/api\/items\)$/);
    expect(refused.message).not.toContain('leaked-secret-token');
  });
});
