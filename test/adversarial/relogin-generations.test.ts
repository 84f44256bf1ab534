/**
 * Issue 12, bug 3: re-login under concurrency with the default `Accept: *\/*`. An app that opens a new
 * anonymous session on every unauthenticated request (the redirect to the login page and the login
 * page itself, like Spring's saved-request session): responses to requests sent before the re-login
 * arrive during and after it, and must not replace the new login's session cookie on any hop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { formLogin } from '../../src/index.js';
import { randomToken, startApp, type AppReply } from '../auth/fixtures/app.js';
import { closeAfterEach } from '../auth/fixtures/cleanup.js';

const tracked = closeAfterEach();

const FORM = (token: string) => `<form method="post" action="/login"><input name="username"><input type="password" name="password"><input type="hidden" name="lt" value="${token}"></form>`;

/** The app; `slowLoginPage` delays the login page for redirected requests (Accept: *\/*), not for the login's own GET. */
async function startAnonymousSessionApp(slowLoginPage: (n: number) => number) {
  const sessions = new Map<string, { user?: string; token: string }>();
  const stats = { logins: 0, refused: 0, redirectedPages: 0 };
  const anonymous = () => {
    const sid = randomToken();
    sessions.set(sid, { token: randomToken() });
    return sid;
  };
  const app = await startApp(async (req): Promise<AppReply> => {
    const session = sessions.get(req.cookies.JSESSIONID ?? '');
    const authenticated = session?.user !== undefined;
    if (req.path === '/login' && req.method === 'GET') {
      if (req.headers.accept === '*/*') await sleep(slowLoginPage(stats.redirectedPages++));
      const sid = authenticated ? undefined : anonymous();
      return { headers: sid ? { 'set-cookie': `JSESSIONID=${sid}; Path=/` } : {}, html: FORM(sessions.get(sid ?? req.cookies.JSESSIONID!)!.token) };
    }
    if (req.path === '/login') {
      const form = new URLSearchParams(req.body);
      if (!session || form.get('lt') !== session.token || form.get('password') !== 'secret') {
        stats.refused++;
        return { status: 302, headers: { location: '/login?error' } };
      }
      stats.logins++;
      sessions.delete(req.cookies.JSESSIONID!); // the id changes at login
      const sid = randomToken();
      sessions.set(sid, { user: 'alice', token: randomToken() });
      return { status: 302, headers: { location: '/home', 'set-cookie': `JSESSIONID=${sid}; Path=/` } };
    }
    if (req.path === '/home') return { html: '<h1>home</h1>' };
    if (req.path === '/slow-page') {
      await sleep(300);
      const now = sessions.get(req.cookies.JSESSIONID ?? '');
      return now?.user ? { json: { user: now.user, path: req.path } } : { html: FORM(now?.token ?? '') };
    }
    if (!authenticated) return { status: 302, headers: { location: '/login', 'set-cookie': `JSESSIONID=${anonymous()}; Path=/` } };
    return { json: { user: session.user, path: req.path } };
  });
  return { url: (await tracked.track(Promise.resolve(app))).url, stats, expire: () => sessions.clear() };
}

describe('re-login with 20 requests in flight and Accept: */*', () => {
  it('every request ends logged in: stale responses never replace the new login\'s cookie', async () => {
    const made = await startAnonymousSessionApp((n) => 100 + (n % 20) * 15);
    const s = tracked.session({ baseUrl: made.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    await s.login();
    made.expire();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.get(`/api/item/${i}`).then(
      async (r) => (r.status === 200 && /json/.test(r.headers.get('content-type') ?? '') ? 'ok' : `status ${r.status} at ${new URL(r.url).pathname}`),
      (e: unknown) => (e as Error).name,
    )));
    expect(results).toEqual(Array(20).fill('ok'));
    expect(made.stats.refused).toBe(0);
  });
});

describe('a 200 HTML login page, no redirect, Accept: */*', () => {
  it('counts as logged out when its request was sent before the re-login began, and is replayed', async () => {
    const made = await startAnonymousSessionApp(() => 0);
    const s = tracked.session({ baseUrl: made.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    await s.login();
    made.expire();
    const [page, api] = await Promise.all([s.get('/slow-page'), s.get('/api/x')]);
    expect(api.status).toBe(200);
    expect(await page.json()).toEqual({ user: 'alice', path: '/slow-page' });
    expect(made.stats.logins).toBe(2);
  });
});
