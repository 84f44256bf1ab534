import { describe, expect, it } from 'vitest';
import { AuthenticationError, Session, formLogin, type FormLoginOptions } from '../../src/index.js';
import { startApp, type App } from './fixtures/app.js';
import { closeAfterEach } from './fixtures/cleanup.js';
import { startLoginApp, type LoginApp } from './fixtures/login-app.js';

const tracked = closeAfterEach();
const app = (): Promise<LoginApp> => tracked.track(startLoginApp());
function session(a: App, login: Partial<FormLoginOptions> = {}): Session {
  return tracked.session({ baseUrl: a.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret', ...login }) });
}

describe('re-login', () => {
  it('logs in on the first request that gets a 401, and replays it', async () => {
    const a = await app();
    const s = session(a);
    const res = await s.get('/api/me');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: 'alice' });
    expect(a.stats.logins).toBe(1);
  });

  it('20 concurrent requests on an expired session cause exactly one login, and all succeed', async () => {
    const a = await app();
    const s = session(a);
    await s.login();
    a.expireSessions();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.get(`/api/item/${i}`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(a.stats.logins).toBe(2);
  });

  it('recognises a redirect to the login page, followed or not', async () => {
    const a = await app();
    const s = session(a);
    const followed = await s.get('/page');
    expect(followed.status).toBe(200);
    expect(await followed.text()).toBe('<p>page</p>');
    a.expireSessions();
    const unfollowed = await s.get('/page', { followRedirects: false });
    expect(unfollowed.status).toBe(200);
    expect(a.stats.logins).toBe(2);
  });

  it('recognises a 200 HTML login page where JSON was asked for, and only then', async () => {
    const a = await app();
    const s = session(a);
    const html = await s.get('/html-api', { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/html/);
    expect(a.stats.logins).toBe(0);
    const json = await s.get('/html-api', { headers: { accept: 'application/json' } });
    expect(await json.json()).toEqual({ user: 'alice' });
    expect(a.stats.logins).toBe(1);
  });

  it('uses the caller\'s isLoggedOut predicate', async () => {
    const a = await app();
    const s = session(a, { isLoggedOut: (res) => res.peekText().includes('SESSION_EXPIRED') });
    expect(await (await s.get('/custom')).json()).toEqual({ user: 'alice' });
    expect(a.stats.logins).toBe(1);
  });

  it('does not replay a POST unless replayUnsafe is set; then the body is sent again', async () => {
    const a = await app();
    const plain = session(a);
    expect((await plain.post('/api/items', { json: { n: 1 } })).status).toBe(401);
    expect(a.stats.logins).toBe(0);
    const replaying = session(a, { replayUnsafe: true });
    const res = await replaying.post('/api/items', { json: { n: 2 } });
    expect(await res.json()).toMatchObject({ method: 'POST', body: '{"n":2}' });
    expect(a.stats.logins).toBe(1);
  });

  it('a PUT (idempotent) is replayed by default', async () => {
    const a = await app();
    const s = session(a);
    expect((await s.put('/api/items/1', { json: { n: 3 } })).status).toBe(200);
  });

  it('re-logs in at most once per request', async () => {
    const logins: number[] = [];
    const a = await tracked.track(startApp((req) => {
      if (req.path === '/login' && req.method === 'GET') return { html: '<form method="post"><input name="u"><input type="password" name="p"></form>' };
      if (req.path === '/login') {
        logins.push(1);
        return { status: 302, headers: { location: '/home' } };
      }
      return req.path === '/home' ? { html: 'home' } : { status: 401, json: {} };
    }));
    const s = session(a);
    expect((await s.get('/api/me')).status).toBe(401);
    expect(logins).toHaveLength(1);
  });

  it('a failed re-login rejects the request with AuthenticationError', async () => {
    const a = await app();
    const s = session(a, { password: 'nope' });
    const err = await s.get('/api/me').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toBe('Bad credentials');
  });

  it('relogin: false leaves expiry to the caller', async () => {
    const a = await app();
    const s = session(a, { relogin: false });
    expect((await s.get('/api/me')).status).toBe(401);
    expect(a.stats.logins).toBe(0);
  });

  it('a 401 from another origin does not trigger the login', async () => {
    const a = await app();
    const other = await tracked.track(startApp(() => ({ status: 401, json: {} })));
    const s = session(a);
    expect((await s.get(`${other.url}/x`)).status).toBe(401);
    expect(a.stats.logins).toBe(0);
  });
});
