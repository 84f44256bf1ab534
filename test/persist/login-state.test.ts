import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, formLogin, jwtLogin, passwordGrant, Session } from '../../src/index.js';
import { startApp, type App } from '../auth/fixtures/app.js';
import { startLoginApp, type LoginApp } from '../auth/fixtures/login-app.js';
import { startTokenApi, type TokenApi } from './fixtures/token-api.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'hunter2';

let api: TokenApi;
let other: App;
let dir: string;

beforeAll(async () => {
  api = await startTokenApi();
  other = await startApp(() => ({ json: { ok: true } }));
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-login-state-'));
});

afterAll(async () => {
  await api?.close();
  await other?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const login = () => jwtLogin({ url: '/auth/token', username: 'alice', password: PASSWORD, refreshUrl: '/auth/refresh' });

/** Logs in, learns the CSRF token from /form, posts once, and saves. */
async function loggedInFile(name: string, saveOptions?: { includeCredentials?: boolean }): Promise<{ file: string; csrf: string }> {
  const file = path.join(dir, name);
  const s = new Session({ baseUrl: api.url, csrf: 'spring', login: login() });
  expect((await s.get('/api/me')).status).toBe(200);
  const form = await (await s.get('/form')).text();
  expect((await s.post('/api/items', { json: { name: 'a' } })).status).toBe(201);
  await s.save(file, saveOptions);
  await s.close();
  return { file, csrf: /value="([^"]+)"/.exec(form)![1]! };
}

async function readDoc(file: string): Promise<Record<string, any>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, any>;
}

describe('saved login and CSRF state', () => {
  it('lets a fresh process call the API and post with the saved CSRF token, without logging in again', async () => {
    const { file, csrf } = await loggedInFile('fresh.json');
    const logins = api.stats.logins;
    const doc = await readDoc(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(doc.tokens).toMatchObject({ access: api.issued.at(-1), kind: 'jwt', url: `${api.url}/auth/token`, origins: [api.url] });
    expect(typeof doc.tokens.refresh).toBe('string');
    expect(typeof doc.tokens.expiresAt).toBe('number');
    expect(doc.state.csrf).toMatchObject({ profile: 'spring', tokens: [{ origin: api.url, token: csrf, header: 'x-csrf-token', param: '_csrf', source: 'html' }] });
    expect(JSON.stringify(doc)).not.toContain(PASSWORD);

    const seenBefore = other.seen.length;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/persist/fixtures/token-client.ts'), file, other.url], { cwd: ROOT, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ me: 200, post: 201, elsewhere: 200 });
    expect(api.stats.logins).toBe(logins);
    expect(api.stats.csrfFailures).toBe(0);
    const elsewhere = other.seen.slice(seenBefore);
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]!.headers.authorization).toBeUndefined();
    expect(elsewhere[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(JSON.stringify(elsewhere[0]!.headers)).not.toContain(csrf);
  });

  it('refreshes a loaded token that has expired, with the saved refresh token', async () => {
    const { file } = await loggedInFile('expired.json');
    const doc = await readDoc(file);
    doc.tokens.expiresAt = Date.now() - 60_000;
    await writeFile(file, JSON.stringify(doc));
    const { logins, refreshes } = api.stats;
    const s = await Session.load(file, { login: login() });
    expect((await s.get('/api/me')).status).toBe(200);
    expect(api.stats).toMatchObject({ logins, refreshes: refreshes + 1 });
    await s.save(file);
    await s.close();
    expect((await readDoc(file)).tokens.access).toBe(api.issued.at(-1));
  });

  it('never hands saved tokens to a login for another server, nor sends them there', async () => {
    const { file } = await loggedInFile('elsewhere.json');
    const token = (await readDoc(file)).tokens.access as string;
    const seenBefore = other.seen.length;
    const s = await Session.load(file, { baseUrl: other.url, login: login() });
    // The other server has no token endpoint: the login (not the saved token) is what it gets.
    await expect(s.get('/api/me')).rejects.toBeInstanceOf(AuthenticationError);
    await s.close();
    const sent = other.seen.slice(seenBefore);
    expect(sent.map((r) => r.path)).toEqual(['/auth/token']);
    expect(JSON.stringify(sent)).not.toContain(token);
  });

  it('keeps tokens loaded without a login, for a later load that gives it', async () => {
    const { file } = await loggedInFile('kept.json');
    const token = (await readDoc(file)).tokens.access as string;
    const plain = await Session.load(file);
    await plain.save(file);
    await plain.close();
    expect((await readDoc(file)).tokens.access).toBe(token);
  });

  it('drops CSRF tokens whose page is on another origin than the one they are filed under', async () => {
    const { file } = await loggedInFile('tampered.json');
    const doc = await readDoc(file);
    doc.state.csrf.tokens = [{ ...doc.state.csrf.tokens[0], origin: other.url }];
    await writeFile(file, JSON.stringify(doc));
    const seenBefore = other.seen.length;
    const s = await Session.load(file, { login: login() });
    await s.post(`${other.url}/collect`, { json: {} });
    await s.save(file);
    await s.close();
    expect(other.seen.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    expect(other.seen.length).toBe(seenBefore + 1);
    expect((await readDoc(file)).state.csrf.tokens).toEqual([]);
  });

  it('saves passwords and client secrets only when asked, and removes them when asked', async () => {
    const { file } = await loggedInFile('creds.json', { includeCredentials: true });
    expect((await readDoc(file)).state.credentials).toEqual({ kind: 'jwt', url: `${api.url}/auth/token`, username: 'alice', password: PASSWORD });

    // A session loaded from it keeps them at its next save (the choice was made for this file)...
    const s = await Session.load(file, { login: login() });
    await s.get('/api/me');
    await s.save(file);
    expect((await readDoc(file)).state.credentials.password).toBe(PASSWORD);
    // ...until told otherwise.
    await s.save(file, { includeCredentials: false });
    await s.close();
    const after = await readDoc(file);
    expect(after.state.credentials).toBeUndefined();
    expect(JSON.stringify(after)).not.toContain(PASSWORD);

    const grant = new Session({ baseUrl: api.url, login: passwordGrant({ tokenUrl: '/oauth/token', clientId: 'app', clientSecret: 'cl13nt-s3cret', username: 'alice', password: PASSWORD }) });
    const plain = path.join(dir, 'grant.json');
    await grant.save(plain);
    expect(await readFile(plain, 'utf8')).not.toContain('cl13nt-s3cret');
    await grant.save(plain, { includeCredentials: true });
    expect((await readDoc(plain)).state.credentials).toMatchObject({ kind: 'oauth2', clientId: 'app', clientSecret: 'cl13nt-s3cret', password: PASSWORD });
    await grant.close();
  });
});

describe('login requests ignore session defaults meant for the caller', () => {
  let app: LoginApp;
  beforeAll(async () => {
    app = await startLoginApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('formLogin follows its redirect with followRedirects: false, maxRedirects: 0 and throwHttpErrors on the session', async () => {
    const s = new Session({
      baseUrl: app.url,
      followRedirects: false,
      maxRedirects: 0,
      throwHttpErrors: true,
      login: formLogin({ url: '/login', username: 'alice', password: 'secret' }),
    });
    await s.login();
    expect(app.stats.logins).toBe(1);
    const res = await s.get('/api/me');
    expect(await res.json()).toMatchObject({ user: 'alice' });
    await s.close();
  });

  it('jwtLogin reads its token with throwHttpErrors on the session', async () => {
    const s = new Session({ baseUrl: api.url, throwHttpErrors: true, followRedirects: false, login: login() });
    expect((await s.get('/api/me')).status).toBe(200);
    await s.close();
  });
});
