// Session#originAuth: Digest credentials bound to one origin, saved with the session, against the
// project's independent RFC 7616 server; they never answer another origin, and never override a login.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtLogin, Session } from '../../src/index.js';
import { startApp, type App } from '../auth/fixtures/app.js';
import { startDigestServer, type DigestServer } from '../auth/fixtures/digest-server.js';

let digest: DigestServer;
let other: App;
let dir: string;
beforeAll(async () => {
  digest = await startDigestServer();
  other = await startApp(() => ({ status: 401, headers: { 'www-authenticate': 'Digest realm="other", nonce="n1", qop="auth"' }, json: { error: 'no' } }));
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-origin-auth-'));
});
afterAll(async () => {
  await digest?.close();
  await other?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Session#originAuth', () => {
  it('answers its origin\'s Digest challenge, is saved owner-only with the session, and works after a load', async () => {
    const file = path.join(dir, 'digest.json');
    {
      await using s = new Session();
      s.originAuth.bind(digest.url, { type: 'digest', username: 'alice', password: 'secret' });
      expect((await s.get(`${digest.url}/x`)).status).toBe(200);
      expect((await s.get(`${digest.url}/y`)).status).toBe(200);
      expect((await s.get(`${other.url}/z`)).status).toBe(401);
      await s.save(file);
    }
    expect(other.seen.every((r) => r.headers.authorization === undefined)).toBe(true);
    await using shown = new Session();
    shown.originAuth.bind(digest.url, { type: 'digest', username: 'alice', password: 'secret' });
    expect(shown.explain(`${digest.url}/x`).auth).toEqual({ sent: true });
    expect(shown.explain(`${other.url}/x`).auth).toBeUndefined();
    expect(JSON.parse(await readFile(file, 'utf8')).state.originAuth).toEqual({ [digest.url]: { type: 'digest', username: 'alice', password: 'secret' } });
    await using loaded = await Session.load(file);
    expect((await loaded.get(`${digest.url}/x`)).status).toBe(200);
    loaded.originAuth.bind(digest.url, null);
    expect((await loaded.get(`${digest.url}/x`)).status).toBe(401);
  });

  it('gives way to a request\'s own auth and to a session with a login', async () => {
    await using plain = new Session();
    plain.originAuth.bind(digest.url, { type: 'digest', username: 'alice', password: 'secret' });
    expect((await plain.get(`${digest.url}/x`, { auth: null })).status).toBe(401);
    // A login for the origin wins (here it fails, at the other server, before anything reaches this one).
    await using covered = new Session({ login: jwtLogin({ url: `${other.url}/token`, username: 'a', password: 'b', origins: [digest.url], relogin: false }) });
    covered.originAuth.bind(digest.url, { type: 'digest', username: 'alice', password: 'secret' });
    const before = digest.seen.length;
    await expect(covered.get(`${digest.url}/x`)).rejects.toThrow(/Login failed/);
    expect(digest.seen.length).toBe(before);
    // A login for another origin leaves this one's saved credentials in use.
    await using elsewhere = new Session({ login: jwtLogin({ url: `${other.url}/token`, username: 'a', password: 'b', relogin: false }) });
    elsewhere.originAuth.bind(digest.url, { type: 'digest', username: 'alice', password: 'secret' });
    expect((await elsewhere.get(`${digest.url}/x`)).status).toBe(200);
    // Credentials in the URL win too.
    expect((await plain.get(`${digest.url.replace('//', '//bob:wrong@')}/x`)).status).toBe(401);
  });

  it('skips saved entries of another shape or for a non-http origin', async () => {
    await using s = new Session();
    s.originAuth.restore({ 'file:///etc': { type: 'digest', username: 'a', password: 'b' }, [digest.url]: { type: 'basic', username: 'a', password: 'b' }, x: 1 });
    expect(s.originAuth.save()).toBeUndefined();
  });
});
