import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { springSkipReason, startSpring, type SpringServer } from '../helpers/spring.js';
import { runCli } from './helpers/run.js';

const START_TIMEOUT_MS = 300_000;
let dir: string;
const env = (extra: Record<string, string> = {}) => ({ XDG_CONFIG_HOME: dir, ...extra });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-spring-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(springSkipReason !== undefined)('against Spring Security (session CSRF repository)', { timeout: 120_000 }, () => {
  let spring: SpringServer;
  beforeAll(async () => {
    spring = await startSpring({ csrf: 'session' });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await spring?.stop();
  });

  it('logs in, calls the API, posts with the CSRF token from a fresh process', async () => {
    const login = await runCli(['login', `${spring.url}/login`, '--user', 'alice', '--csrf', 'spring', '--session', 'spring'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    const me = await runCli(['--session', 'spring', '--check-status', `${spring.url}/api/me`], { env: env() });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.out)).toMatchObject({ user: 'alice' });
    const created = await runCli(['--session', 'spring', '--check-status', 'POST', `${spring.url}/api/items`, 'name=widget'], { env: env() });
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ name: 'widget', owner: 'alice' });
  });

  it('logs in with sessio login jwt, client-credentials and password-grant against its token endpoints', async () => {
    const jwt = await runCli(['login', 'jwt', `${spring.url}/api/auth/token`, '--user', 'alice', '--refresh-url', '/api/auth/refresh', '--session', 'spring-jwt'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    expect(jwt.stderr).toBe('');
    expect(jwt.code).toBe(0);
    const me = await runCli(['--session', 'spring-jwt', '--check-status', `${spring.url}/api/jwt/me`], { env: env() });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.out)).toMatchObject({ user: 'alice' });

    const cc = await runCli(['login', 'client-credentials', `${spring.url}/oauth/token`, '--client-id', 'sessio-client', '--scope', 'admin', '--session', 'spring-cc'], { env: env({ SESSIO_CLIENT_SECRET: 'sessio-secret' }) });
    expect(cc.stderr).toBe('');
    expect(cc.code).toBe(0);
    expect((await runCli(['--session', 'spring-cc', '--check-status', `${spring.url}/api/jwt/admin`], { env: env() })).code).toBe(0);

    const pg = await runCli(['login', 'password-grant', `${spring.url}/oauth/token`, '--client-id', 'sessio-client', '--client-auth', 'post', '--user', 'alice', '--session', 'spring-pg'],
      { env: env({ SESSIO_PASSWORD: 'secret', SESSIO_CLIENT_SECRET: 'sessio-secret' }) });
    expect(pg.stderr).toBe('');
    expect(pg.code).toBe(0);
    const pgMe = await runCli(['--session', 'spring-pg', '--check-status', `${spring.url}/api/jwt/me`], { env: env() });
    expect(JSON.parse(pgMe.out)).toMatchObject({ user: 'alice' });
    // Without the admin scope, Spring's resource server answers 403 insufficient_scope: said as such, not as an expiry.
    const admin = await runCli(['--session', 'spring-pg', '--check-status', `${spring.url}/api/jwt/admin`], { env: env() });
    expect(admin.stderr).toMatch(/^sessio: error: Access denied: the access token lacks the scope admin/);
    expect(admin.code).toBe(1);
  });

  it('logs in again by itself when the server session is gone', async () => {
    await runCli(['login', `${spring.url}/login`, '--user', 'alice', '--csrf', 'spring', '--session', 'spring-relogin'], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    // Log out on the server: the session cookie saved in the file is now dead.
    const logout = await runCli(['--session', 'spring-relogin', 'POST', `${spring.url}/logout`], { env: env() });
    expect(logout.code).toBe(0);
    const without = await runCli(['--session', 'spring-relogin', '--check-status', `${spring.url}/api/me`], { env: env() });
    expect(without.code).not.toBe(0);
    const again = await runCli(['--session', 'spring-relogin', '--check-status', `${spring.url}/api/me`], { env: env({ SESSIO_PASSWORD: 'secret' }) });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ user: 'alice' });
  });
});

describe.skipIf(springSkipReason !== undefined)('against Spring Security (cookie CSRF repository)', { timeout: 120_000 }, () => {
  let spring: SpringServer;
  beforeAll(async () => {
    spring = await startSpring({ csrf: 'cookie' });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await spring?.stop();
  });

  it('keeps the XSRF-TOKEN cookie in the session and echoes it on POST', async () => {
    const login = await runCli(['login', `${spring.url}/login`, '--user', 'bob', '--csrf', 'spring', '--session', 'xsrf', '--password-stdin'], { env: env(), input: 'hunter2' });
    expect(login.code).toBe(0);
    const created = await runCli(['--session', 'xsrf', '--check-status', `${spring.url}/api/items`, 'name=gear'], { env: env() });
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ name: 'gear', owner: 'bob' });
  });
});
