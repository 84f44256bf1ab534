import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../demo/server.js';
import type { TestServer } from '../helpers/tls.js';
import { startEchoServer, type Echo } from './helpers/echo.js';
import { runCli } from './helpers/run.js';

let echo: TestServer<http.Server>;
let demo: DemoServer;
let dir: string;
const env = (extra: Record<string, string> = {}) => ({ XDG_CONFIG_HOME: dir, ...extra });
const sessionsDir = () => path.join(dir, 'sessio', 'sessions');

beforeAll(async () => {
  echo = await startEchoServer();
  demo = await startDemoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-session-'));
});
afterAll(async () => {
  await echo?.close();
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('named sessions', { timeout: 90_000 }, () => {
  it('keeps cookies and headers between runs in an owner-only file', async () => {
    expect((await runCli(['--session', 'api', `${echo.url}/set`, 'token==t0k3n', 'X-Team:blue'], { env: env() })).code).toBe(0);
    const file = path.join(sessionsDir(), 'api.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(sessionsDir())).mode & 0o777).toBe(0o700);
    const second = JSON.parse((await runCli(['--session', 'api', `${echo.url}/echo`], { env: env() })).out) as Echo;
    expect(second.headers.cookie).toBe('token=t0k3n');
    expect(second.headers['x-team']).toBe('blue');
  });

  it('lists, shows with secrets redacted, and removes sessions', async () => {
    await runCli(['--session', 'listed', `${echo.url}/set`, 'JSESSIONID==supersecret', 'Authorization:Bearer abc.def'], { env: env() });
    const list = await runCli(['session', 'list'], { env: env() });
    expect(list.out).toMatch(/^listed\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+1 cookie\s+127\.0\.0\.1/m);
    const show = await runCli(['session', 'show', 'listed'], { env: env() });
    expect(show.code).toBe(0);
    expect(show.out).toContain('"JSESSIONID"');
    expect(show.out).not.toContain('supersecret');
    expect(show.out).not.toContain('abc.def');
    expect(show.out).toContain('Bearer [REDACTED]');
    expect((await runCli(['session', 'rm', 'listed'], { env: env() })).code).toBe(0);
    const gone = await runCli(['session', 'show', 'listed'], { env: env() });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('sessio session list');
  });

  it('accepts a path, and refuses a corrupt session file without touching it', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ not json');
    const r = await runCli(['--session', file, `${echo.url}/echo`], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Session file ${file}: not valid JSON`);
    expect(await readFile(file, 'utf8')).toBe('{ not json');
  });

  it('refuses session names that could escape the sessions directory', async () => {
    const r = await runCli(['--session', '..', `${echo.url}/echo`], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a valid session name');
  });
});

describe('sessio login', { timeout: 90_000 }, () => {
  it('logs in through the form (CSRF field included) and the API then answers', async () => {
    const login = await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'demo'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.out).toContain('Logged in to');
    const saved = await readFile(path.join(sessionsDir(), 'demo.json'), 'utf8');
    expect(saved).not.toContain('secret');
    expect(JSON.parse(saved).login).toEqual({ url: `${demo.url}/login`, username: 'alice' });
    const me = await runCli(['--session', 'demo', `${demo.url}/api/me`], { env: env() });
    expect(JSON.parse(me.out)).toEqual({ user: 'alice' });
  });

  it('reads the password from stdin with --password-stdin, and fails clearly on a wrong one', async () => {
    const ok = await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'stdin', '--password-stdin'], { env: env(), input: 'secret\n' });
    expect(ok.code).toBe(0);
    const bad = await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'bad', '--password-stdin'], { env: env(), input: 'nope\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^sessio: error: Login failed: Bad credentials/);
    expect(bad.stderr).not.toContain('nope');
  });

  it('refuses to wait for a password when stdin is no terminal', async () => {
    const r = await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'none'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SESSIO_PASSWORD');
  });

  it('logs in again by itself after the server expired the session', async () => {
    await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'relogin', '--save-password'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    const before = demo.logins;
    demo.expireSessions();
    const me = await runCli(['--session', 'relogin', '--check-status', `${demo.url}/api/me`], { env: env() });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.out)).toEqual({ user: 'alice' });
    expect(demo.logins).toBe(before + 1);
  });

  it('says how to re-login when the session expired and no password is at hand', async () => {
    await runCli(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'nopw'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    demo.expireSessions();
    const r = await runCli(['--session', 'nopw', '--check-status', `${demo.url}/api/me`], { env: env() });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('has expired; set SESSIO_PASSWORD');
  });
});
