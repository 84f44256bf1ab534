/**
 * Issue 13 against the real Spring Security 4.2.20 filter chain (test/fixtures/spring) with its
 * Spring 5/6, Spring Session and bucket4j filters: the `spring` profile alone, no other configuration.
 * The server's counters (/test/stats) say what it saw.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, HTTPError, Session, formLogin, jwtLogin } from '../../src/index.js';
import { springSkipReason, startSpring, type SpringOptions, type SpringServer } from '../helpers/spring.js';

const START_TIMEOUT_MS = 300_000;
type Stats = Record<string, number>;

const servers = new Map<string, Promise<SpringServer>>();
/** One server per option set, shared by the tests that use it; the counters are reset per test. */
async function spring(options: SpringOptions): Promise<SpringServer> {
  const key = JSON.stringify(options);
  if (!servers.has(key)) servers.set(key, startSpring(options));
  const server = await servers.get(key)!;
  await control(server, '/test/expire-sessions', 'POST');
  await control(server, '/test/reset', 'POST');
  return server;
}
afterAll(async () => {
  await Promise.all([...servers.values()].map(async (p) => (await p.catch(() => undefined))?.stop()));
});

const sessions: Session[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function control(server: SpringServer, path: string, method = 'GET'): Promise<Stats> {
  const res = await fetch(server.url + path, { method });
  return (await res.json()) as Stats;
}
const stats = (server: SpringServer) => control(server, '/test/stats');

function session(server: SpringServer, login: Partial<Parameters<typeof formLogin>[0]> = {}): Session {
  const s = new Session({ baseUrl: server.url, csrf: 'spring', login: formLogin({ url: '/login', username: 'alice', password: 'secret', logoutUrl: '/logout', ...login }) });
  sessions.push(s);
  return s;
}

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sessio-spring6-real-'));
  dirs.push(dir);
  return join(dir, 'session.json');
}

const postItem = (s: Session) => s.post('/api/items', { json: { name: 'x' } });

describe.skipIf(springSkipReason !== undefined)('real Spring chain, Spring 6 behaviour', () => {
  beforeAll(async () => {
    await spring({ spring: 6, csrf: 'cookie' }); // builds the fixture once for the file
  }, START_TIMEOUT_MS);

  it('masked tokens, xor handler: learned once, saved, taken at once after a reload', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie', csrfHandler: 'xor' });
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    const failures = (await stats(server)).csrfFailures!;
    expect((await postItem(s)).status).toBe(201);
    expect((await stats(server)).csrfFailures).toBe(failures);
    const file = await tempFile();
    await s.save(file);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { state: { csrf: { forms: Record<string, string> } } };
    expect(saved.state.csrf.forms[new URL(server.url).origin]).toBe('masked');
    const again = await Session.load(file, { login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    sessions.push(again);
    expect((await postItem(again)).status).toBe(201);
    expect((await stats(server)).csrfFailures).toBe(failures);
  }, START_TIMEOUT_MS);

  it('masked tokens, SPA handler: the plain header is accepted', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie', csrfHandler: 'spa' });
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    expect((await postItem(s)).status).toBe(201);
  }, START_TIMEOUT_MS);

  it('a POST after expiry in session-CSRF mode: one login, the item created once', async () => {
    const server = await spring({ spring: 6, csrf: 'session' });
    const s = session(server);
    await s.login();
    expect((await postItem(s)).status).toBe(201);
    await control(server, '/test/expire-sessions?user=alice', 'POST');
    expect((await postItem(s)).status).toBe(201);
    expect((await stats(server)).logins).toBe(2);
    const items = await (await s.get('/api/items')).json<unknown[]>();
    expect(items).toHaveLength(2);
  }, START_TIMEOUT_MS);

  it('20 concurrent requests after a server-side expiry: exactly one login', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie' });
    const s = session(server);
    await s.login();
    await control(server, '/test/expire-sessions?user=alice', 'POST');
    const all = await Promise.all(Array.from({ length: 20 }, () => s.get('/api/me')));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await stats(server)).logins).toBe(2);
  }, START_TIMEOUT_MS);

  for (const version of [4, 5, 6] as const) {
    it(`${version}.x login page: the reason is in the AuthenticationError`, async () => {
      const server = await spring({ spring: version });
      const wrong = await session(server, { password: 'wrong' }).login().catch((e: unknown) => e) as AuthenticationError;
      expect(wrong).toBeInstanceOf(AuthenticationError);
      expect(wrong.reason).toBe('Bad credentials');
      const locked = await session(server, { username: 'carol' }).login().catch((e: unknown) => e) as AuthenticationError;
      expect(locked.reason).toBe('User account is locked');
    }, START_TIMEOUT_MS);
  }

  it('rememberMe: the session recovers by the cookie, without posting the password again', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie' });
    const s = session(server, { rememberMe: true });
    await s.login();
    await control(server, '/test/expire-sessions?user=alice', 'POST');
    const all = await Promise.all(Array.from({ length: 10 }, () => s.get('/api/me')));
    expect(all.map((r) => r.status)).toEqual(Array(10).fill(200));
    const st = await stats(server);
    expect(st.logins).toBe(1);
    expect(st.rememberMeLogins).toBe(1);
  }, START_TIMEOUT_MS);

  it("maximumSessions(1): ConcurrentSessionFilter's text makes the older session log in again", async () => {
    const server = await spring({ spring: 6, csrf: 'cookie', maximumSessions: 1 });
    const first = session(server);
    const second = session(server);
    await first.login();
    await second.login();
    expect(await (await first.get('/api/me')).json()).toEqual({ user: 'alice' });
    expect((await stats(server)).logins).toBe(3);
  }, START_TIMEOUT_MS);

  it('X-Auth-Token sessions: sent back, saved with the session, redacted in curl', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie', sessionStore: 'header' });
    const s = session(server);
    await s.login();
    const me = await s.get('/api/me');
    expect(await me.json()).toEqual({ user: 'alice' });
    expect(me.request.headers['x-auth-token']).toBeDefined();
    expect(me.request.toCurl()).not.toContain(String(me.request.headers['x-auth-token']));
    const file = await tempFile();
    await s.save(file);
    const again = await Session.load(file);
    sessions.push(again);
    expect(await (await again.get('/api/me')).json()).toEqual({ user: 'alice' });
    expect((await stats(server)).logins).toBe(1);
  }, START_TIMEOUT_MS);

  it("bucket4j's X-Rate-Limit-Retry-After-Seconds sets the retry's delay", async () => {
    const server = await spring({ spring: 6, csrf: 'cookie', rateLimit: 1, rateLimitSeconds: 1 });
    const delays: number[] = [];
    const s = new Session({ baseUrl: server.url, retry: { limit: 1, onRetry: (ctx) => { delays.push(ctx.delay); } } });
    sessions.push(s);
    await (await s.get('/api/me')).text(); // takes the only token of the bucket
    await (await s.get('/api/me')).text();
    expect(delays).toHaveLength(1);
    expect(delays[0]! % 1000).toBe(0); // whole seconds, from the header rather than the backoff
  }, START_TIMEOUT_MS);

  it('Bearer insufficient_scope is an AuthenticationError naming the scope; Boot errors read on one line', async () => {
    const server = await spring({ spring: 6, csrf: 'cookie' });
    const s = new Session({ baseUrl: server.url, login: jwtLogin({ url: '/api/auth/token', username: 'alice', password: 'secret' }) });
    sessions.push(s);
    expect((await s.get('/api/jwt/me')).status).toBe(200);
    const err = await s.get('/api/jwt/admin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/^Access denied: the access token lacks the scope admin/);
    expect((err as AuthenticationError).code).toBe('ERR_ACCESS_DENIED');

    const plain = new Session({ baseUrl: server.url, throwHttpErrors: true });
    sessions.push(plain);
    const unauthorized = await plain.get('/api/me').catch((e: unknown) => e) as HTTPError;
    expect(unauthorized.message).toMatch(/^401 Client Error for GET .*\/api\/me: Unauthorized.* \(path \/api\/me\)$/);
  }, START_TIMEOUT_MS);
});
