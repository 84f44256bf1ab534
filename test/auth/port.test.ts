// The CSRF and login features are built on a SessionPort, not on Session: here they run on a small
// stand-in port (a plain session without csrf/login, whose requests are recorded), which is what lets
// them be tested, and reused, without the whole session wired around them.
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/core/log/index.js';
import { CsrfTokens } from '../../src/features/csrf/tokens.js';
import { LoginCoordinator } from '../../src/features/login/coordinator.js';
import type { PortRequestOptions, SessionPort } from '../../src/features/port.js';
import { formLogin, type PreparedRequest, type Response } from '../../src/index.js';
import { closeAfterEach } from './fixtures/cleanup.js';
import { startLoginApp } from './fixtures/login-app.js';

const { track, session } = closeAfterEach();

interface Sent { method: string; url: string; auth: unknown; guarded: boolean }

/** A port on a plain session; `observe` sees each response with its hop (as the CSRF stage would). */
function recordingPort(baseUrl: string, observe?: (req: PreparedRequest, res: Response) => Promise<void>): { port: SessionPort; sent: Sent[] } {
  const s = session({ baseUrl, ...(observe && { hooks: { afterResponse: async (res, req) => { await observe(req, res); } } }) });
  const sent: Sent[] = [];
  const request = (method: string, url: string | URL, options: PortRequestOptions = {}) => {
    sent.push({ method, url: String(url), auth: options.auth, guarded: options.beforeRedirect !== undefined });
    const { beforeRedirect, ...rest } = options;
    return s.request(method, url, { ...rest, ...(beforeRedirect && { hooks: { beforeRedirect } }) });
  };
  const port: SessionPort = {
    baseUrl: new URL(baseUrl),
    cookies: s.cookies,
    log: createLog(undefined, ''),
    resolve: (url) => new URL(String(url), baseUrl),
    request,
    get: (url, o) => request('GET', url, o),
    post: (url, o) => request('POST', url, o),
  };
  return { port, sent };
}

describe('features on a SessionPort', () => {
  it('a form login runs on the port alone: page, then the guarded credential post without session auth', async () => {
    const app = await track(startLoginApp());
    const { port, sent } = recordingPort(app.url);
    const login = new LoginCoordinator(formLogin({ url: '/login', username: 'alice', password: 'secret' }), port, undefined);
    await login.login();
    expect(app.stats.logins).toBe(1);
    expect(sent.map((r) => `${r.method} ${new URL(r.url, app.url).pathname}`)).toEqual(['GET /login', 'POST /login']);
    const post = sent[1]!;
    expect(post.guarded).toBe(true); // a 307 must not carry the password to another origin
    expect(port.cookies.getCookieHeader(`${app.url}/`)).toMatch(/^SID=/);
  });

  it('CSRF tokens learn from and fetch through the port, and stay on their origin', async () => {
    const app = await track(startLoginApp());
    const box: { csrf?: CsrfTokens } = {};
    const { port, sent } = recordingPort(app.url, (req, res) => box.csrf!.learn(req, res));
    const csrf = box.csrf = new CsrfTokens({ hiddenInputs: ['lt'], header: 'X-LT', tokenUrl: '/login' }, port);
    await csrf.fetch(new URL(`${app.url}/api/x`), true);
    expect(sent.map((r) => r.method)).toEqual(['GET']);
    const token = csrf.get(`${app.url}/x`);
    expect(token?.token).toMatch(/\w{8,}/);
    expect(token?.header).toBe('x-lt');
    expect(csrf.get('http://127.0.0.1:1/x')).toBeUndefined();
  });
});

describe("sessio's own requests", () => {
  it('a login and its CSRF page run below the caller hooks, retries and rate limit, and are still logged and recorded', async () => {
    const app = await track(startLoginApp());
    const seen: string[] = [];
    const s = session({
      baseUrl: app.url,
      har: true,
      retry: { limit: 3, statusCodes: [200] }, // would resend every 200 if the login went through it
      hooks: { beforeRequest: (req) => void seen.push(`${req.method} ${req.url.pathname}`) },
      login: formLogin({ url: '/login', username: 'alice', password: 'secret' }),
    });
    await s.login();
    expect(seen).toEqual([]);
    expect(app.stats.logins).toBe(1);
    expect(app.seen.filter((r) => r.path.startsWith('/login')).length).toBe(2);
    expect(s.har().log.entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual(expect.arrayContaining(['GET /login', 'POST /login']));
  });
});
