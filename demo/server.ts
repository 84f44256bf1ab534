/**
 * The bundled demo server: a tiny stand-in for a Spring Security app, on 127.0.0.1.
 * - GET /login: a login form with a hidden `_csrf` field; it starts an anonymous session (JSESSIONID).
 * - POST /login: checks the CSRF token and the password (alice/secret), issues a NEW session id
 *   (session-fixation protection, as Spring does) and redirects 302 to /.
 * - GET /api/me, GET/POST /api/items: JSON, 401 without a logged-in session; POST needs `X-CSRF-TOKEN`.
 * - POST /api/auth/token: JSON {username, password} → {access_token, expires_in}; /api/* also takes
 *   that token as `Authorization: Bearer` (no session and no CSRF token then, as a Spring resource server).
 * - POST /logout; `expireSessions()` forgets every session and token, as a server-side timeout would.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface DemoSession {
  user?: string;
  csrf: string;
}

export interface DemoServer {
  url: string;
  port: number;
  /** Logins that succeeded so far. */
  readonly logins: number;
  /** Forget all sessions now (as if they timed out). */
  expireSessions(): void;
  close(): Promise<void>;
}

const token = () => randomBytes(18).toString('base64url');

function cookieOf(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1_000_000) break;
  }
  return body;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req));
}

function loginPage(csrf: string, error: boolean): string {
  return `<!DOCTYPE html><html><head><title>Please sign in</title><meta name="_csrf" content="${csrf}"><meta name="_csrf_header" content="X-CSRF-TOKEN"></head>
<body>${error ? '<p class="error">Bad credentials</p>' : ''}
<form method="post" action="/login">
<input type="text" name="username" placeholder="Username">
<input type="password" name="password" placeholder="Password">
<input type="hidden" name="_csrf" value="${csrf}">
<button type="submit">Sign in</button>
</form></body></html>`;
}

/** Starts the demo server on 127.0.0.1 (port 0 = any free port). */
export async function startDemoServer(port = 0): Promise<DemoServer> {
  const sessions = new Map<string, DemoSession>();
  const bearers = new Map<string, string>();
  const items: { id: number; name: string }[] = [];
  let logins = 0;

  const newSession = (res: http.ServerResponse, from?: DemoSession): DemoSession => {
    const id = token();
    const s: DemoSession = { ...from, csrf: token() };
    sessions.set(id, s);
    res.setHeader('Set-Cookie', `JSESSIONID=${id}; Path=/; HttpOnly; SameSite=Lax`);
    return s;
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sid = cookieOf(req, 'JSESSIONID');
    let session = sid ? sessions.get(sid) : undefined;
    if (url.pathname === '/login' && req.method === 'GET') {
      session ??= newSession(res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(session.csrf, url.searchParams.has('error')));
      return;
    }
    if (url.pathname === '/login' && req.method === 'POST') {
      const form = await readForm(req);
      if (!session || form.get('_csrf') !== session.csrf) return json(res, 403, { error: 'Invalid CSRF Token' });
      if (form.get('username') !== 'alice' || form.get('password') !== 'secret') {
        res.writeHead(302, { location: '/login?error' }).end();
        return;
      }
      sessions.delete(sid!);
      newSession(res, { user: 'alice', csrf: '' });
      logins++;
      res.writeHead(302, { location: '/' }).end();
      return;
    }
    if (url.pathname === '/') {
      if (!session?.user) return void res.writeHead(302, { location: '/login' }).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>Welcome ${session.user}</p><meta name="_csrf" content="${session.csrf}">`);
      return;
    }
    if (url.pathname === '/api/auth/token' && req.method === 'POST') {
      let body: { username?: unknown; password?: unknown } = {};
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch { /* a bad body is bad credentials */ }
      if (body.username !== 'alice' || body.password !== 'secret') return json(res, 401, { error: 'Bad credentials' });
      const access = token();
      bearers.set(access, 'alice');
      logins++;
      return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600 });
    }
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && url.pathname.startsWith('/api/')) {
      const user = bearers.get(bearer);
      if (!user) return json(res, 401, { error: 'invalid_token' });
      session = { user, csrf: '' };
    }
    if (url.pathname.startsWith('/api/')) {
      if (!session?.user) return json(res, 401, { error: 'Unauthorized', message: 'Full authentication is required' });
      if (bearer === undefined && req.method !== 'GET' && req.headers['x-csrf-token'] !== session.csrf) return json(res, 403, { error: 'Invalid CSRF Token' });
      if (url.pathname === '/api/me') return json(res, 200, { user: session.user });
      if (url.pathname === '/api/csrf') return json(res, 200, { headerName: 'X-CSRF-TOKEN', parameterName: '_csrf', token: session.csrf });
      if (url.pathname === '/api/items' && req.method === 'GET') return json(res, 200, items);
      if (url.pathname === '/api/items' && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const item = { id: items.length + 1, name: String((JSON.parse(body || '{}') as { name?: unknown }).name ?? '') };
        items.push(item);
        return json(res, 201, item);
      }
      return json(res, 404, { error: 'Not Found' });
    }
    if (url.pathname === '/logout' && req.method === 'POST') {
      if (sid) sessions.delete(sid);
      res.writeHead(302, { location: '/login?logout', 'set-cookie': 'JSESSIONID=; Path=/; Max-Age=0' }).end();
      return;
    }
    json(res, 404, { error: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    get logins() {
      return logins;
    },
    expireSessions: () => {
      sessions.clear();
      bearers.clear();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
