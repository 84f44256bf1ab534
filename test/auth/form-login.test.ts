import { describe, expect, it } from 'vitest';
import { AuthenticationError, formLogin } from '../../src/index.js';
import { findLoginForm, findPageMessage } from '../../src/features/login/page.js';
import { closeAfterEach } from './fixtures/cleanup.js';
import { startLoginApp, type LoginApp } from './fixtures/login-app.js';

const { track, session } = closeAfterEach();
const app = (opts?: Parameters<typeof startLoginApp>[0]): Promise<LoginApp> => track(startLoginApp(opts));

describe('findLoginForm', () => {
  it('finds the password form among others, whatever the attribute order, quoting and entities', async () => {
    const html = `<form action="/search"><input name="q"></form>
      <FORM METHOD=post ACTION='/auth?x=1&amp;y=2'>
        <input name=_csrf type=hidden value="a&quot;b">
        <input type="email" name="mail"><input type="checkbox" name="remember">
        <input name="pw" type="PASSWORD"><input type="hidden" name="lt" value="LT-1">
      </FORM>`;
    expect(await findLoginForm(html)).toEqual({
      action: '/auth?x=1&y=2',
      method: 'POST',
      usernameField: 'mail',
      passwordField: 'pw',
      hidden: [['_csrf', 'a"b'], ['lt', 'LT-1']],
      rememberMe: ['remember', 'on'],
    });
  });

  it('returns undefined when no form has a password input', async () => {
    expect(await findLoginForm('<form><input name="q"></form><input type="password" name="p">')).toBeUndefined();
  });

  it('reads the error message a login page shows', async () => {
    expect(await findPageMessage('<p>x</p><div class="alert alert-danger" role="alert"> Bad\n credentials </div>')).toBe('Bad credentials');
    expect(await findPageMessage('<ul class="errorlist"><li>Please enter a correct username and password.</li></ul>')).toBe('Please enter a correct username and password.');
    expect(await findPageMessage('<p>nothing</p>')).toBeUndefined();
  });
});

describe('formLogin', () => {
  it('posts the form with its hidden fields and keeps the rotated session cookie', async () => {
    const a = await app();
    const s = session({ baseUrl: a.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
    await s.login();
    expect(a.stats.logins).toBe(1);
    const post = a.seen.find((r) => r.method === 'POST')!;
    const fields = Object.fromEntries(new URLSearchParams(post.body));
    expect(fields).toMatchObject({ user: 'alice', pass: 'secret', execution: 'e1s1' });
    expect(fields.lt).toMatch(/\w+/);
    expect(post.headers['x-requested-with']).toBeUndefined();
    expect(await (await s.get('/api/me')).json()).toMatchObject({ user: 'alice' });
    expect(a.seen.at(-1)!.cookies.SID).not.toBe(post.cookies.SID);
  });

  it('a wrong password gives AuthenticationError with the page message, never the password', async () => {
    const a = await app();
    const s = session({ baseUrl: a.url, login: formLogin({ url: '/login', username: 'alice', password: 'wrong-pass' }) });
    const err = await s.login().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toBe('Bad credentials');
    expect((err as Error).message).not.toContain('wrong-pass');
    expect(a.stats.loginFailures).toBe(1);
  });

  it('fields and field names are overridable, and X-Requested-With is sent when asked', async () => {
    const a = await app({ page: (token) => `<form method="post" action="/login"><input name="lt" type="hidden" value="${token}"><input type="password" name="pass"></form>` });
    const s = session({
      baseUrl: a.url,
      login: formLogin({ url: '/login', username: 'alice', password: 'secret', usernameField: 'user', fields: { execution: 'e9', remember: 'on' }, ajax: true }),
    });
    await s.login();
    const post = a.seen.find((r) => r.method === 'POST')!;
    expect(Object.fromEntries(new URLSearchParams(post.body))).toMatchObject({ user: 'alice', execution: 'e9', remember: 'on' });
    expect(post.headers['x-requested-with']).toBe('XMLHttpRequest');
  });

  it('a custom success test decides', async () => {
    const a = await app();
    const s = session({ baseUrl: a.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret', success: (res) => res.url.endsWith('/dashboard') }) });
    await expect(s.login()).rejects.toThrow(AuthenticationError);
    expect(a.stats.logins).toBe(1); // the server said yes; the caller's test said no
  });

  it('logout() posts to logoutUrl and the next request logs in again', async () => {
    const a = await app();
    const s = session({ baseUrl: a.url, login: formLogin({ url: '/login', username: 'alice', password: 'secret', logoutUrl: '/logout' }) });
    await s.login();
    await s.logout();
    expect(a.stats.logouts).toBe(1);
    expect((await s.get('/api/me')).status).toBe(200);
    expect(a.stats.logins).toBe(2);
  });

  it('logs the login, and warns when the session id did not change (session fixation)', async () => {
    for (const keepSessionId of [false, true]) {
      const a = await app({ keepSessionId });
      const lines: string[] = [];
      const s = session({ baseUrl: a.url, logger: { debug: (m: unknown) => lines.push(String(m)) }, login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
      await s.get('/login');
      await s.login();
      expect(lines.some((l) => /sessio:login login form ok/.test(l))).toBe(true);
      expect(lines.some((l) => /SID kept its value .*session fixation/.test(l))).toBe(keepSessionId);
      expect(lines.join('\n')).not.toContain('secret');
    }
  });

  it('login() and logout() without a login option reject with a clear error', async () => {
    const s = session({});
    await expect(s.login()).rejects.toThrow(/No login configured/);
    await expect(s.logout()).rejects.toThrow(/No login configured/);
  });
});
