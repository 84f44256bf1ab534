import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
let dir: string;

const echo = (req: http.IncomingMessage, res: http.ServerResponse) => {
  if (req.url === '/hop') return void res.writeHead(307, { location: `${b.url}/echo` }).end();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(req.headers));
};

beforeAll(async () => {
  a = await startHttpServer(echo);
  b = await startHttpServer(echo);
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-origin-headers-'));
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function seen(s: Session, url: string): Promise<Record<string, string>> {
  return (await s.get(url)).json<Record<string, string>>();
}

const doc = (extra: Record<string, unknown>) => JSON.stringify({ format: 'sessio-session', version: 1, savedAt: '', headers: {}, cookies: null, state: {}, ...extra });

describe('secret headers in a session file', () => {
  it('go only to the origin they were saved for', async () => {
    const file = path.join(dir, 'bound.json');
    await writeFile(file, doc({ headers: { 'x-team': 'blue' }, state: { originHeaders: { [a.url]: { authorization: 'Bearer S3CRET', 'x-api-key': 'K3Y' } } } }));
    const s = await Session.load(file);
    const atA = await seen(s, `${a.url}/echo`);
    expect(atA.authorization).toBe('Bearer S3CRET');
    expect(atA['x-api-key']).toBe('K3Y');
    const atB = await seen(s, `${b.url}/echo`);
    expect(atB.authorization).toBeUndefined();
    expect(atB['x-api-key']).toBeUndefined();
    expect(atB['x-team']).toBe('blue');
    // A redirect from A to B drops them too.
    const hop = await seen(s, `${a.url}/hop`);
    expect(hop.authorization).toBeUndefined();
    expect(hop['x-api-key']).toBeUndefined();
    // Given per request, a header still goes where the caller sends it.
    expect((await (await s.get(`${b.url}/echo`, { headers: { 'x-api-key': 'MINE' } })).json<Record<string, string>>())['x-api-key']).toBe('MINE');
    await s.close();
  });

  it('binds secret headers of an older file (top-level headers) to its baseUrl, and drops them without one', async () => {
    const withBase = path.join(dir, 'legacy.json');
    await writeFile(withBase, doc({ baseUrl: a.url, headers: { authorization: 'Bearer OLD', 'x-auth-token': 'T0K', 'x-team': 'red' } }));
    const s = await Session.load(withBase);
    expect((await seen(s, '/echo')).authorization).toBe('Bearer OLD');
    const atB = await seen(s, `${b.url}/echo`);
    expect(atB.authorization).toBeUndefined();
    expect(atB['x-auth-token']).toBeUndefined();
    expect(atB['x-team']).toBe('red');
    expect(s.headers.authorization).toBeUndefined();
    await s.save(withBase);
    await s.close();
    const saved = JSON.parse(await readFile(withBase, 'utf8')) as { headers: Record<string, string>; state: Record<string, unknown> };
    expect(saved.headers).toEqual({ 'x-team': 'red' });
    expect(saved.state.originHeaders).toEqual({ [a.url]: { authorization: 'Bearer OLD', 'x-auth-token': 'T0K' } });

    const noBase = path.join(dir, 'legacy-nobase.json');
    await writeFile(noBase, doc({ headers: { authorization: 'Bearer OLD' } }));
    const t = await Session.load(noBase);
    expect((await seen(t, `${a.url}/echo`)).authorization).toBeUndefined();
    expect((await seen(t, `${b.url}/echo`)).authorization).toBeUndefined();
    await t.close();
  });

  it('saves a secret set on session.headers bound to the baseUrl origin', async () => {
    const file = path.join(dir, 'memory.json');
    const s = new Session({ baseUrl: a.url });
    s.headers['x-api-key'] = 'K3Y';
    await s.save(file);
    await s.close();
    const loaded = await Session.load(file);
    expect((await seen(loaded, '/echo'))['x-api-key']).toBe('K3Y');
    expect((await seen(loaded, `${b.url}/echo`))['x-api-key']).toBeUndefined();
    await loaded.close();
  });

  it('ignores saved origins that are not http(s) and values with CR/LF', async () => {
    const file = path.join(dir, 'hostile.json');
    await writeFile(file, doc({ state: { originHeaders: { 'file:///etc': { authorization: 'x' }, [a.url]: { authorization: 'a\r\nb', 'x-api-key': 'ok' } } } }));
    const s = await Session.load(file);
    const atA = await seen(s, `${a.url}/echo`);
    expect(atA.authorization).toBeUndefined();
    expect(atA['x-api-key']).toBe('ok');
    await s.close();
  });
});
