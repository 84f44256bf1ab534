import type http from 'node:http';
import type https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, Session, clientCredentials, formLogin, jwtLogin } from '../../src/index.js';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

interface Seen { method: string; url: string; body: string; authorization: string | undefined }
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const servers: TestServer<http.Server | https.Server>[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function recorder(handler: Handler): { seen: Seen[]; listener: http.RequestListener } {
  const seen: Seen[] = [];
  const listener: http.RequestListener = (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, authorization: req.headers.authorization });
      handler(req, res, body);
    });
  };
  return { seen, listener };
}

async function server(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const { seen, listener } = recorder(handler);
  const s = await startHttpServer(listener);
  servers.push(s);
  return { url: s.url, seen };
}

function session(init: ConstructorParameters<typeof Session>[0]): Session {
  const s = new Session(init);
  sessions.push(s);
  return s;
}

const page = (action: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.setHeader('content-type', 'text/html');
  res.end(`<form method=post action="${action}"><input name=username><input type=password name=password></form>`);
};

const json = (res: http.ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

describe('formLogin form action', () => {
  it('refuses to post the credentials to another origin named by the login page', async () => {
    const evil = await server((_q, r) => r.end('thanks'));
    const app = await server(page(`${evil.url}/collect`));
    const s = session({ baseUrl: app.url, login: formLogin({ url: '/login', username: 'alice', password: 'S3CRET' }) });
    const err = await s.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('another origin');
    expect((err as Error).message).toContain('allowOrigins');
    expect((err as Error).message).not.toContain('S3CRET');
    expect(evil.seen).toEqual([]);
  });

  it('posts to an origin listed in allowOrigins (SSO)', async () => {
    const app = await server((_q, r) => r.end('home'));
    const sso = await server((req, res) => {
      if (req.method === 'GET') return page('/sso/login')(req, res);
      res.writeHead(302, { location: `${app.url}/` }).end();
    });
    const s = session({ baseUrl: app.url, login: formLogin({ url: `${sso.url}/sso/login`, username: 'alice', password: 'S3CRET', allowOrigins: [sso.url] }) });
    await s.login();
    expect(sso.seen.find((x) => x.method === 'POST')?.body).toBe('username=alice&password=S3CRET');
  });

  it('never posts from an https login page to an http action, even when allowed', async () => {
    const plain = await server((_q, r) => r.end('thanks'));
    const { seen, listener } = recorder(page(`${plain.url}/collect`));
    const secure = await startHttpsServer(listener);
    servers.push(secure);
    const s = session({ baseUrl: secure.url, tls: { ca: (await testPki()).ca }, login: formLogin({ url: '/login', username: 'alice', password: 'S3CRET', allowOrigins: [plain.url] }) });
    const err = await s.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(seen.map((x) => x.method)).toEqual(['GET']);
    expect(plain.seen).toEqual([]);
  });

  it('refuses a 307 that would re-post the form to another origin', async () => {
    const evil = await server((_q, r) => r.end('thanks'));
    const app = await server((req, res) => {
      if (req.method === 'GET') return page('/login')(req, res);
      res.writeHead(307, { location: `${evil.url}/collect` }).end();
    });
    const s = session({ baseUrl: app.url, login: formLogin({ url: '/login', username: 'alice', password: 'S3CRET' }) });
    const err = await s.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).not.toContain('S3CRET');
    expect(evil.seen).toEqual([]);
  });
});

describe('token endpoints', () => {
  it('jwtLogin refuses a 307 to another origin: the credentials are not re-posted and no foreign token is used', async () => {
    const evil = await server((_q, r) => json(r, { access_token: 'ATTACKER' }));
    const api = await server((req, res) => {
      if (req.url === '/auth') return void res.writeHead(307, { location: `${evil.url}/auth` }).end();
      json(res, {});
    });
    const s = session({ baseUrl: api.url, login: jwtLogin({ url: '/auth', username: 'alice', password: 'S3CRET' }) });
    const err = await s.get('/api/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(evil.seen).toEqual([]);
    expect(api.seen.map((x) => x.url)).toEqual(['/auth']);
  });

  it('jwtLogin rejects a token answered by another origin after a 302', async () => {
    const evil = await server((_q, r) => json(r, { access_token: 'ATTACKER' }));
    const api = await server((req, res) => {
      if (req.url === '/auth') return void res.writeHead(302, { location: `${evil.url}/token` }).end();
      json(res, {});
    });
    const s = session({ baseUrl: api.url, login: jwtLogin({ url: '/auth', username: 'alice', password: 'S3CRET' }) });
    const err = await s.get('/api/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('another origin');
    expect(evil.seen.map((x) => [x.method, x.body])).toEqual([['GET', '']]);
    expect(api.seen.every((x) => x.authorization === undefined)).toBe(true);
    expect(api.seen.map((x) => x.url)).toEqual(['/auth']);
  });

  it('clientCredentials refuses a 308 to another origin', async () => {
    const evil = await server((_q, r) => json(r, { access_token: 'ATTACKER' }));
    const api = await server((req, res) => {
      if (req.url === '/token') return void res.writeHead(308, { location: `${evil.url}/token` }).end();
      json(res, {});
    });
    const s = session({ baseUrl: api.url, login: clientCredentials({ tokenUrl: '/token', clientId: 'c', clientSecret: 'CLIENT-S3CRET', clientAuth: 'post' }) });
    expect(await s.get('/api/me').catch((e: unknown) => e)).toBeInstanceOf(AuthenticationError);
    expect(evil.seen).toEqual([]);
  });

  it('follows a same-origin 307 of the token endpoint', async () => {
    const api = await server((req, res, body) => {
      if (req.url === '/auth') return void res.writeHead(307, { location: '/auth/v2' }).end();
      if (req.url === '/auth/v2') return json(res, JSON.parse(body).password === 'S3CRET' ? { access_token: 'GOOD' } : {});
      json(res, { authorization: req.headers.authorization });
    });
    const s = session({ baseUrl: api.url, login: jwtLogin({ url: '/auth', username: 'alice', password: 'S3CRET' }) });
    expect(await (await s.get('/api/me')).json()).toEqual({ authorization: 'Bearer GOOD' });
  });
});
