import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, Session, jwtLogin } from '../../src/index.js';
import { startApp, type App } from './fixtures/app.js';

const apps: App[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(claims)}.c2ln`;
}

/** An API that issues JWTs in a header or a nested JSON field and can revoke them all. */
async function api(): Promise<App & { logins: number; revoke(): void }> {
  let logins = 0;
  let valid = new Set<string>();
  const app = await startApp((req) => {
    if (req.path === '/auth') {
      const { user, pass } = JSON.parse(req.body || '{}') as { user?: string; pass?: string };
      if (user !== 'alice' || pass !== 'secret') return { status: 401, json: { message: 'Wrong user or password' } };
      logins++;
      const token = jwt({ sub: 'alice', n: logins, exp: Math.floor(Date.now() / 1000) + 3600 });
      valid.add(token);
      return { headers: { authorization: `Bearer ${token}` }, json: { data: { session: { jwt: token } } } };
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    return token && valid.has(token) ? { json: { ok: true } } : { status: 401, json: { message: 'expired' } };
  });
  apps.push(app);
  const out = Object.assign(app, { logins: 0, revoke: () => (valid = new Set()) });
  Object.defineProperty(out, 'logins', { get: () => logins });
  return out;
}

describe('jwtLogin', () => {
  it('takes the token from a nested JSON path, custom credentials body, and logs in again when it is refused', async () => {
    const a = await api();
    const s = new Session({ baseUrl: a.url, login: jwtLogin({ url: '/auth', body: { user: 'alice', pass: 'secret' }, tokenPath: 'data.session.jwt' }) });
    sessions.push(s);
    expect((await s.get('/me')).status).toBe(200);
    a.revoke();
    expect((await s.get('/me')).status).toBe(200);
    expect(a.logins).toBe(2);
  });

  it('takes the token from a response header', async () => {
    const a = await api();
    const s = new Session({ baseUrl: a.url, login: jwtLogin({ url: '/auth', body: { user: 'alice', pass: 'secret' }, tokenHeader: 'Authorization' }) });
    sessions.push(s);
    const res = await s.get('/me');
    expect(res.status).toBe(200);
    expect(res.request.headers.authorization).toMatch(/^Bearer ey/);
  });

  it('never sends the token to another origin', async () => {
    const a = await api();
    const other = await startApp(() => ({ json: {} }));
    apps.push(other);
    const s = new Session({ baseUrl: a.url, login: jwtLogin({ url: '/auth', body: { user: 'alice', pass: 'secret' }, tokenPath: 'data.session.jwt' }) });
    sessions.push(s);
    await s.get('/me');
    await s.get(`${other.url}/elsewhere`);
    expect(other.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('a refused login is an AuthenticationError with the server\'s message', async () => {
    const a = await api();
    const s = new Session({ baseUrl: a.url, login: jwtLogin({ url: '/auth', body: { user: 'alice', pass: 'nope' } }) });
    sessions.push(s);
    const err = await s.get('/me').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).reason).toBe('Wrong user or password');
  });
});
