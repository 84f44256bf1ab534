import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { Session, bearerAuth, customAuth, decodeJwtPayload, jwtExpiry } from '../../src/index.js';
import { startApp, type App } from './fixtures/app.js';

const apps: App[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function echo(redirectTo?: () => string): Promise<App> {
  const a = await startApp((req) => (req.path === '/redirect' && redirectTo ? { status: 302, headers: { location: redirectTo() } } : { json: { auth: req.headers.authorization ?? null } }));
  apps.push(a);
  return a;
}

describe('bearerAuth', () => {
  it('sends a static token', async () => {
    const a = await echo();
    const s = new Session({ auth: bearerAuth('t0k3n') });
    sessions.push(s);
    expect(await (await s.get(a.url)).json()).toEqual({ auth: 'Bearer t0k3n' });
  });

  it('asks an async provider for every request, and drops the token on a cross-origin redirect', async () => {
    const other = await echo();
    const a = await echo(() => `${other.url}/landing`);
    let n = 0;
    const s = new Session({ auth: bearerAuth(async () => `tok-${++n}`) });
    sessions.push(s);
    expect(await (await s.get(a.url)).json()).toEqual({ auth: 'Bearer tok-1' });
    expect(await (await s.get(a.url)).json()).toEqual({ auth: 'Bearer tok-2' });
    const res = await s.get(`${a.url}/redirect`);
    expect(await res.json()).toEqual({ auth: null });
    expect(a.seen.at(-1)!.headers.authorization).toBe('Bearer tok-3');
  });

  it('refuses a token with CR/LF before sending anything', async () => {
    const a = await echo();
    const s = new Session({ auth: bearerAuth('a\r\nx-evil: 1') });
    sessions.push(s);
    await expect(s.get(a.url)).rejects.toThrow(/CR, LF/);
    expect(a.seen).toHaveLength(0);
  });
});

describe('customAuth', () => {
  it('signs each hop with the caller\'s function', async () => {
    const a = await echo();
    const s = new Session({
      auth: customAuth((req) => {
        req.headers.authorization = `HMAC ${createHmac('sha256', 'k').update(`${req.method} ${req.url.pathname}`).digest('hex')}`;
      }),
    });
    sessions.push(s);
    const res = await s.get(`${a.url}/signed`);
    expect(await res.json()).toEqual({ auth: `HMAC ${createHmac('sha256', 'k').update('GET /signed').digest('hex')}` });
  });
});

describe('JWT payload', () => {
  it('reads exp without verifying the signature, and rejects non-JWTs', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'alice', exp: 2000000000 })).toString('base64url');
    const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
    expect(decodeJwtPayload(token)).toEqual({ sub: 'alice', exp: 2000000000 });
    expect(jwtExpiry(token)).toBe(2000000000 * 1000);
    expect(decodeJwtPayload('opaque-token')).toBeUndefined();
    expect(decodeJwtPayload('a.!!!.c')).toBeUndefined();
  });
});
