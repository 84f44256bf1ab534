// `sessio login jwt|client-credentials|password-grant`, as subprocesses against a Node auth server and
// API on two origins: what is saved (no secret unless asked), where the token goes, refresh and re-login.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run.js';
import { CLIENT, startTokenServers, USER, type TokenServers } from './helpers/tokens.js';

let t: TokenServers;
let dir: string;
const env = (extra: Record<string, string> = {}) => ({ XDG_CONFIG_HOME: dir, ...extra });
const file = (name: string) => path.join(dir, 'sessio', 'sessions', `${name}.json`);
const doc = async (name: string) => JSON.parse(await readFile(file(name), 'utf8')) as Record<string, any>;
const me = async (name: string, url: string, extra: Record<string, string> = {}) => runCli(['--session', name, '--check-status', `${url}/api/me`], { env: env(extra) });

beforeAll(async () => {
  t = await startTokenServers();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-logins-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sessio login jwt', { timeout: 90_000 }, () => {
  it('saves the tokens and non-secret options, refreshes an expired token, and needs the password only to log in again', async () => {
    const login = await runCli(['login', 'jwt', `${t.auth.url}/auth/token`, '--user', USER.name, '--refresh-url', '/auth/refresh', '--session', 'jwt'], { env: env({ SESSIO_PASSWORD: USER.password }) });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.out).toContain(`Logged in to ${t.auth.url} as alice (jwt; the token is sent only to ${t.auth.url}; --origin adds API origins)`);
    const saved = await doc('jwt');
    expect((await stat(file('jwt'))).mode & 0o777).toBe(0o600);
    expect(saved.login).toEqual({ kind: 'jwt', url: `${t.auth.url}/auth/token`, username: 'alice', options: { refreshUrl: `${t.auth.url}/auth/refresh` } });
    expect(saved.tokens).toMatchObject({ kind: 'jwt', origins: [t.auth.url] });
    expect(JSON.stringify(saved)).not.toContain(USER.password);
    const show = JSON.parse((await runCli(['session', 'show', 'jwt'], { env: env() })).out) as { tokens: Record<string, unknown> };
    expect(show.tokens).toMatchObject({ access: '[REDACTED]', refresh: '[REDACTED]', kind: 'jwt', origins: [t.auth.url], url: `${t.auth.url}/auth/token` });

    const logins = t.stats.logins;
    const first = await me('jwt', t.auth.url);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ who: 'alice' });
    expect(t.stats.logins).toBe(logins);

    t.expire();
    const refreshes = t.stats.refreshes;
    const refreshed = await me('jwt', t.auth.url);
    expect(refreshed.code).toBe(0);
    expect(t.stats.refreshes).toBe(refreshes + 1);
    expect(t.stats.logins).toBe(logins);

    t.expire();
    t.revokeRefresh();
    const refused = t.stats.refused;
    const stuck = await me('jwt', t.auth.url);
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toMatch(/^sessio: error: the saved jwt login at http:\/\/127\.0\.0\.1:\d+ has run out \(no password to log in with\) \(set SESSIO_PASSWORD for automatic re-login, or run sessio login again/);
    // The refresh was tried and refused; no login was posted without a password.
    expect(t.stats.refused).toBe(refused + 1);
    expect(t.stats.logins).toBe(logins);

    const again = await me('jwt', t.auth.url, { SESSIO_PASSWORD: USER.password });
    expect(again.code).toBe(0);
    expect(t.stats.logins).toBe(logins + 1);
  });

  it('sends the token only to its origins', async () => {
    await runCli(['login', 'jwt', `${t.auth.url}/auth/token`, '--user', USER.name, '--session', 'jwt-origins'], { env: env({ SESSIO_PASSWORD: USER.password }) });
    const before = t.api.seen.length;
    const elsewhere = await me('jwt-origins', t.api.url);
    expect(elsewhere.code).toBe(4);
    expect(t.api.seen.slice(before).map((s) => s.headers.authorization)).toEqual([undefined]);

    await runCli(['login', 'jwt', `${t.auth.url}/auth/token`, '--user', USER.name, '--origin', t.api.url, '--session', 'jwt-api'], { env: env({ SESSIO_PASSWORD: USER.password }) });
    expect((await me('jwt-api', t.api.url)).code).toBe(0);
    expect((await doc('jwt-api')).tokens.origins).toEqual([t.api.url]);
  });

  it('takes the field names and the token path of a differently shaped login API', async () => {
    const r = await runCli(['login', 'jwt', `${t.auth.url}/auth/email-token`, '--user', USER.name, '--username-field', 'email', '--token-path', 'data.token', '--session', 'email', '--password-stdin'],
      { env: env(), input: `${USER.password}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const posted = t.auth.seen.filter((s) => s.path === '/auth/email-token').at(-1)!;
    expect(JSON.parse(posted.body)).toEqual({ email: 'alice', password: USER.password });
    expect((await doc('email')).login.options).toEqual({ usernameField: 'email', tokenPath: 'data.token' });
    expect(JSON.parse((await me('email', t.auth.url)).out)).toEqual({ who: 'alice' });
  });
});

describe('sessio login client-credentials', { timeout: 90_000 }, () => {
  it('gets a token for the API origin with the secret from the environment, and logs in again only with it', async () => {
    const r = await runCli(['login', 'client-credentials', `${t.auth.url}/oauth/token`, '--client-id', CLIENT.id, '--scope', 'read', '--scope', 'write', '--param', 'audience=orders', '--origin', t.api.url, '--session', 'cc'],
      { env: env({ SESSIO_CLIENT_SECRET: CLIENT.secret }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`as client app (client-credentials; the token is sent only to ${t.api.url})`);
    const sent = t.tokenRequests.at(-1)!;
    expect(sent.authorization).toBe(`Basic ${Buffer.from('app:s3cret').toString('base64')}`);
    expect(sent.form).toEqual({ grant_type: 'client_credentials', scope: 'read write', audience: 'orders' });
    const saved = await doc('cc');
    expect(saved.login).toEqual({ kind: 'client-credentials', url: `${t.auth.url}/oauth/token`, options: { clientAuth: 'basic', clientId: 'app', scope: 'read write', params: { audience: 'orders' }, origins: [t.api.url] } });
    expect(JSON.stringify(saved)).not.toContain(CLIENT.secret);

    expect(JSON.parse((await me('cc', t.api.url)).out)).toEqual({ who: 'client:app', scope: 'read write' });
    const before = t.auth.seen.length;
    expect((await me('cc', t.auth.url)).code).toBe(4);
    expect(t.auth.seen.slice(before).map((s) => s.headers.authorization)).toEqual([undefined]);

    t.expire();
    const stuck = await me('cc', t.api.url);
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('set SESSIO_CLIENT_SECRET for automatic re-login');
    expect(stuck.stderr).not.toContain(CLIENT.secret);
    const again = await me('cc', t.api.url, { SESSIO_CLIENT_SECRET: CLIENT.secret });
    expect(again.code).toBe(0);
  });

  it('sends the secret as form fields with --client-auth post, and keeps it (redacted in show) with --save-password', async () => {
    const r = await runCli(['login', 'client-credentials', `${t.auth.url}/oauth/token`, '--client-id', CLIENT.id, '--client-auth', 'post', '--client-secret-stdin', '--save-password', '--session', 'cc-post'],
      { env: env(), input: CLIENT.secret });
    expect(r.code).toBe(0);
    const sent = t.tokenRequests.at(-1)!;
    expect(sent.authorization).toBeUndefined();
    expect(sent.form).toEqual({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret' });
    expect((await doc('cc-post')).login.clientSecret).toBe(CLIENT.secret);
    const show = await runCli(['session', 'show', 'cc-post'], { env: env() });
    expect(show.out).toContain('"clientSecret": "[REDACTED]"');
    expect(show.out).not.toContain(CLIENT.secret);
    t.expire();
    // The saved secret logs in again by itself.
    expect((await me('cc-post', t.auth.url)).code).toBe(0);
  });

  it('reports the token endpoint refusing a wrong secret, without the secret', async () => {
    const r = await runCli(['login', 'client-credentials', `${t.auth.url}/oauth/token`, '--client-id', CLIENT.id, '--session', 'cc-bad'], { env: env({ SESSIO_CLIENT_SECRET: 'wrong-secret' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sessio: error: Login failed: invalid_client: Bad client credentials \(POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token/);
    expect(r.stderr).not.toContain('wrong-secret');
  });
});

describe('sessio login password-grant', { timeout: 90_000 }, () => {
  it('logs in as the user with a public client and keeps going on the refresh token without the password', async () => {
    const r = await runCli(['login', 'password-grant', `${t.auth.url}/oauth/token`, '--client-id', CLIENT.publicId, '--user', USER.name, '--session', 'pg'], { env: env({ SESSIO_PASSWORD: USER.password }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(t.tokenRequests.at(-1)!.form).toEqual({ grant_type: 'password', username: 'alice', password: USER.password, client_id: 'cli' });
    expect((await doc('pg')).login).toEqual({ kind: 'password-grant', url: `${t.auth.url}/oauth/token`, username: 'alice', options: { clientId: 'cli' } });
    expect(JSON.parse((await me('pg', t.auth.url)).out)).toEqual({ who: 'alice' });

    t.expire();
    const refreshed = await me('pg', t.auth.url);
    expect(refreshed.code).toBe(0);
    expect(t.tokenRequests.at(-1)!.form).toMatchObject({ grant_type: 'refresh_token', client_id: 'cli' });

    t.expire();
    t.revokeRefresh();
    const stuck = await me('pg', t.auth.url);
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toContain('set SESSIO_PASSWORD for automatic re-login');
    expect(t.tokenRequests.at(-1)!.form.grant_type).toBe('refresh_token');
    expect((await me('pg', t.auth.url, { SESSIO_PASSWORD: USER.password })).code).toBe(0);
    expect(t.tokenRequests.at(-1)!.form.grant_type).toBe('password');
  });
});

describe('sessio login usage', () => {
  it.each([
    [['login', 'oauth', 'e.org/token'], /login oauth: unknown kind of login \(use one of form, jwt, client-credentials, password-grant\)/],
    [['login', 'client-credentials', 'e.org/token'], /needs --client-id ID/],
    [['login', 'client-credentials', 'e.org/token', '--client-id', 'a', '--user', 'bob'], /has no --user/],
    [['login', 'jwt', 'e.org/token', '--user', 'bob', '--client-id', 'a'], /--client-id is for sessio login client-credentials\|password-grant/],
    [['login', 'e.org/login', '--user', 'bob', '--token-path', 'x'], /--token-path is for sessio login jwt \(not for a form login\)/],
    [['login', 'password-grant', 'e.org/token', '--client-id', 'a'], /needs --user NAME/],
    [['login', 'client-credentials', 'e.org/token', '--client-id', 'a', '--client-auth', 'jwt'], /--client-auth "jwt": use basic or post/],
    [['login', 'client-credentials', 'e.org/token', '--client-id', 'a', '--param', 'novalue'], /--param "novalue" is not NAME=VALUE/],
    [['login', 'client-credentials', 'e.org/token', '--client-id', 'a', '--param', 'client_assertion=eyJ.x.y'], /--param client_assertion: a secret cannot be given as a --param/],
    [['login', 'jwt', 'e.org/token', '--user', 'a', '--origin', 'ftp://x'], /--origin "ftp:\/\/x" is not an http\(s\) URL/],
    [['login', 'password-grant', 'e.org/token', '--client-id', 'a', '--user', 'b', '--password-stdin', '--client-secret-stdin'], /cannot both read stdin/],
    [['login', 'jwt', 'e.org/token', '--user', 'a', '--session', 'redis://127.0.0.1:1/x'], /a jwt login cannot be kept in --session redis:\/\/ by the CLI/],
  ])('refuses %j before sending anything', async (args, message) => {
    const r = await runCli(args, { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
