import { execFile } from 'node:child_process';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

const run = promisify(execFile);

const SECRETS = {
  password: 'Flow-Pass-7f3a',
  clientSecret: 'client-secret-91b2',
  preSession: 'PRESESSION0a1b2c',
  session: 'POSTSESSION3d4e5f',
  formCsrf: 'form-csrf-6a7b8c',
  pageCsrf: 'page-csrf-9d0e1f',
  accessToken: 'eyJhbGciOiJIUzI1NiJ9.access-2468',
};

let server: TestServer<http.Server>;
let flakyCalls = 0;
const received: string[] = [];

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await body(req);
    const cookie = req.headers.cookie ?? '';
    received.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/login' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `JSESSIONID=${SECRETS.preSession}; Path=/; HttpOnly` });
      res.end(`<html><body><form method="post" action="/login"><input name="username"><input type="password" name="password">
        <input type="hidden" name="_csrf" value="${SECRETS.formCsrf}"></form></body></html>`);
    } else if (url.pathname === '/login') {
      const form = new URLSearchParams(text);
      const ok = form.get('password') === SECRETS.password && form.get('_csrf') === SECRETS.formCsrf && cookie.includes(SECRETS.preSession);
      res.writeHead(302, ok
        ? { location: '/home', 'set-cookie': `JSESSIONID=${SECRETS.session}; Path=/; HttpOnly` }
        : { location: '/login?error' });
      res.end();
    } else if (url.pathname === '/home' && cookie.includes(SECRETS.session)) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><head><meta name="_csrf" content="${SECRETS.pageCsrf}"></head><body>Welcome</body></html>`);
    } else if (url.pathname === '/api/token' && req.headers.authorization === `Basic ${Buffer.from(`client:${SECRETS.clientSecret}`).toString('base64')}`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: SECRETS.accessToken, token_type: 'Bearer', expires_in: 300 }));
    } else if (url.pathname === '/api/me' && req.headers.authorization === `Bearer ${SECRETS.accessToken}` && req.headers['x-csrf-token'] === SECRETS.pageCsrf) {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `remember=${SECRETS.session}; Path=/` });
      res.end(JSON.stringify({ user: 'alice', session: SECRETS.session }));
    } else if (url.pathname === '/flaky' || url.pathname === '/flaky2') {
      res.writeHead(flakyCalls++ % 2 === 0 ? 503 : 200, { 'content-type': 'text/plain', 'retry-after': '0' });
      res.end('flaky');
    } else {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('forbidden');
    }
  });
});

afterAll(() => server.close());

describe('a login-and-call flow under DEBUG=sessio*', () => {
  it('logs every step and no password, token or cookie value', async () => {
    const script = fileURLToPath(new URL('./login-flow.script.ts', import.meta.url));
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 60_000,
      env: {
        ...process.env,
        DEBUG: 'sessio*',
        NODE_DEBUG: 'sessio*',
        FLOW_URL: server.url,
        FLOW_PASSWORD: SECRETS.password,
        FLOW_CLIENT_SECRET: SECRETS.clientSecret,
      },
    });
    expect(stdout).toContain('flow done: me 200 flaky 200 flaky2 200');
    const output = `${stdout}\n${stderr}`;
    // The flow really went through, and was logged at the wire level.
    expect(received).toEqual(['GET /login', 'POST /login', 'GET /home', 'GET /home', 'GET /api/token', 'POST /api/me', 'GET /flaky', 'GET /flaky', 'GET /flaky2', 'GET /flaky2']);
    expect(stderr).toMatch(/sessio:login login form ok \S+\/login \([\d.]+ ms\)/);
    expect(stderr).toMatch(/sessio:retry ↻ retry 1 of GET \S+\/flaky2 in [\d.]+ ms after 503/);
    expect(stderr).toMatch(/sessio:request → POST http:\/\/127\.0\.0\.1:\d+\/login/);
    expect(stderr).toMatch(/sessio:redirect ↪ 302 \S+\/login → GET \S+\/home/);
    expect(stderr).toMatch(/sessio:retry ↻ retry 1 of GET \S+\/flaky in [\d.]+ ms after 503/);
    expect(stderr).toMatch(/sessio:wire > "_csrf=\[REDACTED\]&username=alice&password=\[REDACTED\]"/);
    expect(stderr).toContain('x-csrf-token: [REDACTED]');
    expect(stderr).toContain('authorization: Bearer [REDACTED]');
    expect(stderr).toContain('authorization: Basic [REDACTED]');
    expect(stderr).toContain('set-cookie: JSESSIONID=[REDACTED]; Path=/; HttpOnly');
    for (const [kind, secret] of Object.entries(SECRETS)) expect(output, kind).not.toContain(secret);
    expect(output).not.toContain(Buffer.from(`client:${SECRETS.clientSecret}`).toString('base64'));
    expect(output).not.toContain(encodeURIComponent(SECRETS.password));
  }, 90_000);
});
