import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSessionFile, Session, SessionFileError } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';
import type http from 'node:http';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let server: TestServer<http.Server>;
let dir: string;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.searchParams.get('name');
    if (url.pathname === '/set' && name) res.setHeader('set-cookie', `${name}=v-${name}; Path=/`);
    if (url.pathname === '/del' && name) res.setHeader('set-cookie', `${name}=; Path=/; Max-Age=0`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
  });
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-persist-'));
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cookieSeen(s: Session, url: string): Promise<string | null> {
  return (await (await s.get(url)).json<{ cookie: string | null }>()).cookie;
}

describe('save and load', () => {
  it('round-trips cookies, headers and base URL in a 0600 versioned file', async () => {
    const file = path.join(dir, 'round.json');
    const s = new Session({ baseUrl: server.url, headers: { 'x-team': 'blue' } });
    await s.get('/set?name=JSESSIONID');
    await s.save(file);
    await s.close();

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc).toMatchObject({ format: 'sessio-session', version: 1, baseUrl: server.url, headers: { 'x-team': 'blue' } });
    expect(doc.headers['user-agent']).toBeUndefined();

    const loaded = await Session.load(file);
    expect(loaded.headers['x-team']).toBe('blue');
    expect(await cookieSeen(loaded, '/echo')).toBe('JSESSIONID=v-JSESSIONID');
    await loaded.close();
  });

  it('replaces the file by rename and leaves no temp file', async () => {
    const file = path.join(dir, 'atomic.json');
    const s = new Session({ baseUrl: server.url });
    await s.save(file);
    const before = (await stat(file)).ino;
    await s.get('/set?name=a');
    await s.save(file);
    expect((await stat(file)).ino).not.toBe(before);
    expect((await readdir(dir)).filter((f) => f.includes('atomic') && f !== 'atomic.json')).toEqual([]);
    await s.close();
  });

  it('refuses a corrupt file with an error naming it, and leaves it untouched', async () => {
    const file = path.join(dir, 'corrupt.json');
    const junk = '{"format":"sessio-session","version":1,"cook';
    await writeFile(file, junk);
    const err = await Session.load(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionFileError);
    expect((err as SessionFileError).code).toBe('ERR_SESSION_FILE_CORRUPT');
    expect((err as Error).message).toContain(file);
    const s = new Session();
    await expect(s.save(file)).rejects.toBeInstanceOf(SessionFileError);
    expect(await readFile(file, 'utf8')).toBe(junk);
    await s.close();
  });

  it('refuses a file from a newer schema, and leaves it untouched', async () => {
    const file = path.join(dir, 'newer.json');
    const text = JSON.stringify({ format: 'sessio-session', version: 99, headers: {}, cookies: null, state: {} });
    await writeFile(file, text);
    const err = await Session.load(file).catch((e: unknown) => e);
    expect((err as SessionFileError).code).toBe('ERR_SESSION_FILE_VERSION');
    expect((err as Error).message).toMatch(/newer sessio/);
    const s = new Session();
    await expect(s.save(file)).rejects.toMatchObject({ code: 'ERR_SESSION_FILE_VERSION' });
    expect(await readFile(file, 'utf8')).toBe(text);
    await s.close();
  });

  it('keeps loaded cookies bound to the host that set them', async () => {
    const file = path.join(dir, 'bound.json');
    const s = new Session();
    await s.get(`${server.url}/set?name=SID`);
    await s.save(file);
    await s.close();
    const loaded = await Session.load(file);
    expect(await cookieSeen(loaded, `${server.url}/echo`)).toBe('SID=v-SID');
    // Same server, other host name: the cookie must not follow (HTTPie's CVE-2022-24737).
    expect(await cookieSeen(loaded, `http://localhost:${server.port}/echo`)).toBeNull();
    await loaded.close();
  });

  it('does not resurrect a cookie the session deleted', async () => {
    const file = path.join(dir, 'deleted.json');
    const a = new Session({ baseUrl: server.url });
    await a.get('/set?name=gone');
    await a.get('/set?name=kept');
    await a.save(file);
    await a.get('/del?name=gone');
    await a.save(file);
    await a.close();
    const loaded = await Session.load(file);
    expect(await cookieSeen(loaded, '/echo')).toBe('kept=v-kept');
    await loaded.close();
  });

  it('reads a login record of every kind, keeping only known options of the right type', async () => {
    const file = path.join(dir, 'login-record.json');
    const login = {
      kind: 'client-credentials', url: 'https://auth.test/oauth/token', clientSecret: 's',
      options: { clientId: 'app', scope: 'read', refreshBeforeSeconds: 'soon', clientAuth: 'tls', evil: 'x', origins: ['https://api.test', 7], params: JSON.parse('{"__proto__":"p","audience":"a","n":1}') },
    };
    await writeFile(file, JSON.stringify({ format: 'sessio-session', version: 1, savedAt: '', headers: {}, cookies: null, state: {}, login }));
    const doc = await readSessionFile(file);
    expect(doc?.login).toEqual({ kind: 'client-credentials', url: 'https://auth.test/oauth/token', clientSecret: 's', options: { clientId: 'app', scope: 'read', origins: ['https://api.test'], params: JSON.parse('{"__proto__":"p","audience":"a"}') } });
    expect(Object.getPrototypeOf(doc!.login!.options!.params)).toBe(Object.prototype);
    for (const [bad, message] of [[{ kind: 'saml', url: 'https://x.test/' }, /"login.kind" must be one of form, jwt/], [{ url: 'https://x.test/login' }, /a form "login" needs a "username"/]] as const) {
      await writeFile(file, JSON.stringify({ format: 'sessio-session', version: 1, savedAt: '', headers: {}, cookies: null, state: {}, login: bad }));
      await expect(readSessionFile(file)).rejects.toThrow(message);
    }
  });

  it('autosaves after a response that set a cookie, and on close', async () => {
    const file = path.join(dir, 'auto.json');
    const s = new Session({ baseUrl: server.url, autosave: { path: file, debounceMs: 10 } });
    await s.get('/set?name=auto1');
    let text = '';
    for (let i = 0; i < 200 && !text.includes('auto1'); i++) {
      text = await readFile(file, 'utf8').catch(() => '');
      if (!text.includes('auto1')) await new Promise((r) => setTimeout(r, 10));
    }
    expect(text).toContain('auto1');
    await s.get('/set?name=auto2');
    await s.close();
    expect(await readFile(file, 'utf8')).toContain('auto2');
  });

  it('refuses a file whose header would split a request', async () => {
    const file = path.join(dir, 'badheader.json');
    await writeFile(file, JSON.stringify({ format: 'sessio-session', version: 1, headers: { 'x-a': 'a\r\nInjected: 1' }, cookies: null, state: {} }));
    await expect(Session.load(file)).rejects.toMatchObject({ code: 'ERR_SESSION_FILE_CORRUPT', file });
  });

  it('autosaves back to the loaded file with autosave: true', async () => {
    const file = path.join(dir, 'autoload.json');
    const s = new Session({ baseUrl: server.url });
    await s.save(file);
    await s.close();
    const loaded = await Session.load(file, { autosave: true });
    await loaded.get('/set?name=later');
    await loaded.close();
    expect(JSON.stringify(JSON.parse(await readFile(file, 'utf8')).cookies)).toContain('later');
  });

  it('merges two processes saving the same file without losing cookies', async () => {
    const file = path.join(dir, 'shared.json');
    const count = 15;
    const run = (prefix: string) => execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/persist/fixtures/saver.ts'), file, server.url, prefix, String(count)], { cwd: ROOT, timeout: 60_000 });
    await Promise.all([run('p'), run('q')]);
    const loaded = await Session.load(file);
    const header = (await cookieSeen(loaded, `${server.url}/echo`)) ?? '';
    const names = header.split('; ').map((p) => p.split('=')[0]).sort();
    const expected = [...Array(count).keys()].flatMap((i) => [`p${i}`, `q${i}`]).sort();
    expect(names).toEqual(expected);
    expect((await readdir(dir)).filter((f) => f.startsWith('shared.json.lock'))).toEqual([]);
    await loaded.close();
  });
});

describe('with the RFC 6265bis jar', () => {
  it('saves its versioned JSON and restores cookies bound to their domain', async () => {
    const { CookieJar: BisJar } = await import('../../src/cookies/index.js');
    const file = path.join(dir, 'bis.json');
    const s = new Session({ cookies: new BisJar() as unknown as Session['cookies'] });
    await s.get(`${server.url}/set?name=BIS`);
    await s.save(file);
    await s.close();
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.cookies).toMatchObject({ format: 'sessio-cookie-jar', cookies: [{ name: 'BIS', domain: '127.0.0.1', hostOnly: true }] });
    const loaded = await Session.load(file);
    expect(await cookieSeen(loaded, `${server.url}/echo`)).toBe('BIS=v-BIS');
    expect(await cookieSeen(loaded, `http://localhost:${server.port}/echo`)).toBeNull();
    await loaded.close();
  });
});

describe('the lock file', () => {
  it('takes over a lock left by a dead process', async () => {
    const file = path.join(dir, 'stale.json');
    await writeFile(`${file}.lock`, '999999999\n');
    const s = new Session();
    await s.save(file);
    await s.close();
    expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('sessio-session');
    expect((await readdir(dir)).includes('stale.json.lock')).toBe(false);
  });

  it('gives up with a clear error while a live process holds the lock', async () => {
    const file = path.join(dir, 'held.json');
    await writeFile(`${file}.lock`, `${process.pid}\n`);
    const s = new Session();
    const err = await s.save(file, { lock: { timeout: 200 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SESSION_FILE_LOCK', file });
    expect((err as Error).message).toContain('delete the lock file');
    await s.close();
  });
});
