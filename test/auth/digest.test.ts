import { afterEach, describe, expect, it } from 'vitest';
import { Session, digestAuth } from '../../src/index.js';
import { parseChallenges } from '../../src/auth/challenge.js';
import type { App } from './fixtures/app.js';
import { startDigestServer } from './fixtures/digest-server.js';
import { startHttpServer } from '../helpers/tls.js';

const apps: App[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
async function server(opts: Parameters<typeof startDigestServer>[0]) {
  const s = await startDigestServer(opts);
  apps.push(s);
  return s;
}
function session(password = 'secret'): Session {
  const s = new Session({ auth: digestAuth('alice', password) });
  sessions.push(s);
  return s;
}

describe('parseChallenges', () => {
  it('splits several challenges in one field and keeps quoted commas and escapes', () => {
    expect(parseChallenges(['Basic realm="a, b", Digest realm="x", qop="auth,auth-int", nonce="n\\"1", algorithm=SHA-256', 'Bearer'])).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'digest', params: { realm: 'x', qop: 'auth,auth-int', nonce: 'n"1', algorithm: 'SHA-256' } },
      { scheme: 'bearer', params: {} },
    ]);
  });

  it('reads a token68 credential', () => {
    expect(parseChallenges(['Negotiate YIIB9wYGKwYBBQUCoIIB6zCC=='])).toEqual([{ scheme: 'negotiate', params: { '': 'YIIB9wYGKwYBBQUCoIIB6zCC==' } }]);
  });
});

describe('digestAuth', () => {
  for (const algorithm of ['MD5', 'SHA-256', 'SHA-512-256', 'MD5-sess', 'SHA-256-sess']) {
    it(`answers a ${algorithm} challenge, then reuses the nonce with a growing nonce count`, async () => {
      const srv = await server({ algorithm });
      const s = session();
      const first = await s.get(`${srv.url}/a?x=1`);
      expect(await first.json()).toMatchObject({ ok: true, nc: '00000001' });
      const second = await s.get(`${srv.url}/b`);
      expect(await second.json()).toMatchObject({ ok: true, nc: '00000002' });
      expect(srv.challenges).toBe(1);
    });
  }

  it('takes a new nonce when the server says the old one is stale', async () => {
    const srv = await server({});
    const s = session();
    await s.get(`${srv.url}/a`);
    srv.expireNonces();
    const res = await s.get(`${srv.url}/a`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ nc: '00000001' });
  });

  it('a wrong password gets the 401 back after one answer, without a loop', async () => {
    const srv = await server({});
    const s = session('wrong');
    expect((await s.get(`${srv.url}/a`)).status).toBe(401);
    expect(srv.seen).toHaveLength(2);
  });

  it('sends a hashed username when the server offers userhash', async () => {
    const srv = await server({ userhash: true });
    const s = session();
    expect((await s.get(`${srv.url}/a`)).status).toBe(200);
    expect(srv.seen.at(-1)!.headers.authorization).not.toContain('username="alice"');
  });

  it('re-sends a POST body with the answer', async () => {
    const srv = await server({ algorithm: 'SHA-256' });
    const s = session();
    const res = await s.post(`${srv.url}/items`, { json: { n: 1 } });
    expect(await res.json()).toMatchObject({ ok: true, method: 'POST', body: '{"n":1}' });
  });

  it('20 concurrent requests each use their own nonce count', async () => {
    const srv = await server({});
    const s = session();
    await s.get(`${srv.url}/warm`);
    const all = await Promise.all(Array.from({ length: 20 }, () => s.get(`${srv.url}/x`)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(srv.challenges).toBe(1);
  });
});

describe('challenges sessio cannot answer', () => {
  it('returns the 401 and says why in the debug log (algorithm, auth-int only, wrong password)', async () => {
    const www: Record<string, string> = {
      '/alg': 'Digest realm="r", nonce="n1", algorithm=SHA-1024, qop="auth"',
      '/int': 'Digest realm="r", nonce="n2", qop="auth-int"',
      '/basic': 'Basic realm="r"',
    };
    const srv = await startHttpServer((req, res) => void res.writeHead(401, { 'www-authenticate': www[req.url!]! }).end());
    try {
      const lines: string[] = [];
      const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
      await using s = new Session({ auth: digestAuth('alice', 'pw-secret-1'), logger: { debug: push, log: push, warn: push } });
      for (const path of Object.keys(www)) expect((await s.get(`${srv.url}${path}`)).status).toBe(401);
      const text = lines.join('\n');
      expect(text).toContain('algorithm "SHA-1024" is not supported');
      expect(text).toContain('offers no "auth" (auth-int is not supported)');
      expect(text).toContain('no Digest challenge (offered: basic)');
      expect(text).not.toContain('pw-secret-1');
    } finally {
      await srv.close();
    }
  });

  it('says when its answer was refused', async () => {
    const srv = await server({});
    const lines: string[] = [];
    const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    await using s = new Session({ auth: digestAuth('alice', 'wrong-pass'), logger: { debug: push, log: push } });
    expect((await s.get(`${srv.url}/x`)).status).toBe(401);
    expect(lines.join('\n')).toContain('the answer to its challenge was refused (wrong username or password?)');
  });
});
