/**
 * The bench's HTTP and HTTPS servers, run in a child process so that their CPU time is not counted
 * as client CPU. The parent sends `{ key, cert }` over IPC; the child answers with the two ports.
 *
 * Every JSON reply says how many cookies the request carried, so clients can check their jar works.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** What the child reports once both servers listen. */
export interface ServerPorts {
  httpPort: number;
  httpsPort: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };
// Long enough that no keep-alive socket is closed in the middle of a measurement.
const KEEP_ALIVE_MS = 120_000;
const MAX_BODY = 64 * 1024;

function cookieNames(req: http.IncomingMessage): string[] {
  const header = req.headers.cookie;
  if (!header) return [];
  const names: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (name) names.push(name);
  }
  return names;
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, setCookie?: string[]): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...JSON_TYPE, 'content-length': Buffer.byteLength(body), ...(setCookie && { 'set-cookie': setCookie }) });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string, setCookie: string): void {
  res.writeHead(302, { location, 'set-cookie': setCookie, 'content-length': 0 });
  res.end();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

let sessions = 0;

/**
 * A Spring-like form login for bench/sessions.ts: the login page sets a pre-login session cookie and
 * carries the CSRF token in a hidden input; logging in rotates the session id and sets XSRF-TOKEN,
 * which the API's POSTs must echo in X-XSRF-TOKEN (or X-CSRF-TOKEN).
 */
const preLogin = new Map<string, string>();
const loggedIn = new Map<string, { user: string; xsrf: string }>();
let appIds = 0;

function cookieValue(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name) return v;
  }
  return undefined;
}

function appUser(req: http.IncomingMessage): { user: string; xsrf: string } | undefined {
  const id = cookieValue(req, 'JSESSIONID');
  return id === undefined ? undefined : loggedIn.get(id);
}

async function appRoute(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  if (req.method === 'GET' && path === '/app/login' && appUser(req)) {
    // Logged in already (sessio fetching a token page): the session stays, as in Spring.
    const token = appUser(req)!.xsrf;
    const html = `<html><body><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${token}"></form></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
    return void res.end(html);
  }
  if (req.method === 'GET' && path === '/app/login') {
    const id = `p${++appIds}`;
    const token = `t${appIds}x${Math.random().toString(36).slice(2)}`;
    preLogin.set(id, token);
    const html = `<html><body><form method="post" action="/app/login"><input name="username"><input type="password" name="password"><input type="hidden" name="_csrf" value="${token}"></form></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html), 'set-cookie': `JSESSIONID=${id}; Path=/; HttpOnly` });
    return void res.end(html);
  }
  if (req.method === 'POST' && path === '/app/login') {
    const form = new URLSearchParams(await readBody(req));
    const pre = cookieValue(req, 'JSESSIONID');
    const expected = pre === undefined ? undefined : preLogin.get(pre);
    if (!expected || form.get('_csrf') !== expected) return sendJson(res, 403, { error: 'Invalid CSRF token' });
    if (!/^user\d+$/.test(form.get('username') ?? '') || form.get('password') !== 'secret') {
      res.writeHead(302, { location: '/app/login?error', 'content-length': 0 });
      return void res.end();
    }
    preLogin.delete(pre!);
    const id = `s${++appIds}`;
    // The CSRF token survives the login here (Spring rotates it; sessio copes with both).
    const xsrf = expected;
    loggedIn.set(id, { user: form.get('username')!, xsrf });
    res.writeHead(302, { location: '/app/home', 'content-length': 0, 'set-cookie': [`JSESSIONID=${id}; Path=/; HttpOnly`, `XSRF-TOKEN=${xsrf}; Path=/`] });
    return void res.end();
  }
  const who = appUser(req);
  if (!who) return sendJson(res, 401, { error: 'login required' });
  if (req.method === 'GET' && (path === '/app/home' || path === '/app/me')) return sendJson(res, 200, { user: who.user });
  if (req.method === 'POST' && path === '/app/items') {
    await readBody(req);
    // Spring's header names: X-CSRF-TOKEN (session repository), X-XSRF-TOKEN (cookie repository).
    if (req.headers['x-xsrf-token'] !== who.xsrf && req.headers['x-csrf-token'] !== who.xsrf) return sendJson(res, 403, { error: 'Invalid CSRF token' });
    return sendJson(res, 201, { user: who.user, created: true });
  }
  sendJson(res, 404, { error: 'not found' });
}

async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = req.url ?? '/';
  if (path.startsWith('/app/')) return appRoute(req, res, path.replace(/\?.*$/, ''));
  if (req.method === 'GET' && path === '/json') {
    sendJson(res, 200, { id: 42, user: 'alice', roles: ['admin', 'dev'], active: true, cookies: cookieNames(req).length });
  } else if (req.method === 'GET' && path === '/prime') {
    sendJson(res, 200, { ok: true }, ['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
  } else if (req.method === 'POST' && path === '/echo') {
    const text = await readBody(req);
    const parsed = JSON.parse(text) as { items?: unknown[] };
    sendJson(res, 200, { bytes: Buffer.byteLength(text), items: parsed.items?.length ?? 0, cookies: cookieNames(req).length });
  } else if (req.method === 'POST' && path === '/login') {
    const form = new URLSearchParams(await readBody(req));
    if (form.get('username') !== 'alice' || form.get('password') !== 'secret') return sendJson(res, 401, { error: 'bad credentials' });
    redirect(res, '/hop/1', `SESSION=s${++sessions}; Path=/; HttpOnly`);
  } else if (req.method === 'GET' && (path === '/hop/1' || path === '/hop/2')) {
    const n = Number(path.slice(-1));
    redirect(res, `/hop/${n + 1}`, `h${n}=${sessions}; Path=/`);
  } else if (req.method === 'GET' && path === '/hop/3') {
    sendJson(res, 200, { ok: true, cookies: cookieNames(req).sort() }, [`h3=${sessions}; Path=/`]);
  } else {
    sendJson(res, 404, { error: 'not found' });
  }
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  route(req, res).catch(() => {
    if (!res.headersSent) sendJson(res, 500, { error: 'server error' });
    else res.destroy();
  });
}

function listen(server: http.Server): Promise<number> {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function start(tls: { key: string; cert: string }): Promise<ServerPorts> {
  const httpPort = await listen(http.createServer(handler));
  const httpsPort = await listen(https.createServer({ key: tls.key, cert: tls.cert }, handler));
  return { httpPort, httpsPort };
}

// Runs only as the forked child; the parent's disconnect (or death) ends it.
if (process.send) {
  process.once('message', (msg: { key: string; cert: string }) => {
    start(msg).then(
      (ports) => process.send!(ports),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
  process.once('disconnect', () => process.exit(0));
}
