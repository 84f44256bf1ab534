import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, type AuthScheme } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
const handler: http.RequestListener = (req, res) => {
  if (req.url === '/to-a') return void res.writeHead(302, { location: `${a.url}/echo` }).end();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
};
beforeAll(async () => {
  a = await startHttpServer(handler);
  b = await startHttpServer(handler);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
async function authSeen(s: Session, url: string, options?: Parameters<Session['get']>[1]): Promise<string | null> {
  return (await (await s.get(url, options)).json<{ authorization: string | null }>()).authorization;
}

describe('session-level auth with a baseUrl', () => {
  it('goes to the baseUrl origin only', async () => {
    const s = new Session({ baseUrl: a.url, auth: { username: 'alice', password: 'S3CRET' } });
    expect(await authSeen(s, '/echo')).toBe(basic('alice', 'S3CRET'));
    expect(await authSeen(s, `${a.url}/echo`)).toBe(basic('alice', 'S3CRET'));
    expect(await authSeen(s, `${b.url}/echo`)).toBeNull();
    // A request that starts elsewhere and is redirected to the baseUrl origin does not get it either.
    expect(await authSeen(s, `${b.url}/to-a`)).toBeNull();
    await s.close();
  });

  it('is replaced per request: a request\'s own auth goes to that request\'s URL', async () => {
    const s = new Session({ baseUrl: a.url, auth: { username: 'alice', password: 'S3CRET' } });
    expect(await authSeen(s, `${b.url}/echo`, { auth: { username: 'bob', password: 'B' } })).toBe(basic('bob', 'B'));
    expect(await authSeen(s, '/echo', { auth: null })).toBeNull();
    await s.close();
  });

  it('binds a custom scheme too, and leaves the same scheme object unbound per request', async () => {
    const scheme: AuthScheme = { apply: (req) => void (req.headers.authorization = 'Custom T0K') };
    const s = new Session({ baseUrl: a.url, auth: scheme });
    expect(await authSeen(s, '/echo')).toBe('Custom T0K');
    expect(await authSeen(s, `${b.url}/echo`)).toBeNull();
    expect(await authSeen(s, `${b.url}/echo`, { auth: scheme })).toBe('Custom T0K');
    await s.close();
  });
});

describe('session-level auth without a baseUrl', () => {
  it('goes to each request\'s own origin, as requests does', async () => {
    const s = new Session({ auth: { username: 'alice', password: 'S3CRET' } });
    expect(await authSeen(s, `${a.url}/echo`)).toBe(basic('alice', 'S3CRET'));
    expect(await authSeen(s, `${b.url}/echo`)).toBe(basic('alice', 'S3CRET'));
    // Not across a cross-origin redirect.
    expect(await authSeen(s, `${b.url}/to-a`)).toBeNull();
    await s.close();
  });
});
