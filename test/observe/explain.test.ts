import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/set') {
      res.setHeader('set-cookie', ['SID=s3cr3t-sid; Path=/app; HttpOnly', 'pref=dark; Path=/', 'bad=x; Domain=example.org', 'old=1; Path=/; Max-Age=1']);
      return void res.end('ok');
    }
    res.writeHead(401, { 'www-authenticate': 'Basic realm="crm"', 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 401, error: 'Unauthorized', message: 'Full authentication is required', path: req.url }));
  });
});
afterAll(() => server.close());

function capture(): { logger: { debug: (...a: unknown[]) => void; log: (...a: unknown[]) => void }; lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { logger: { debug: push, log: push }, lines };
}

describe('session.explain(url)', () => {
  it('says which cookies go to a URL and why the others do not, whether auth goes there, without values', async () => {
    await using s = new Session({ baseUrl: server.url, auth: { username: 'u', password: 'pw-9' }, csrf: 'spring' });
    await s.get('/set');
    const why = s.explain('/api/orders');
    const byName = Object.fromEntries(why.cookies.map((c) => [c.name, c]));
    expect(byName.pref).toMatchObject({ sent: true });
    expect(byName.SID).toMatchObject({ sent: false, reason: 'path', detail: 'Path=/app does not match /api/orders' });
    expect(byName.bad).toBeUndefined(); // rejected at the door, never stored
    expect(why.auth).toEqual({ sent: true });
    expect(why.csrf).toMatchObject({ header: undefined });
    expect(why.headers).toEqual(expect.arrayContaining(['user-agent', 'accept']));
    expect(s.explain('http://127.0.0.1:1/x').auth).toMatchObject({ sent: false, reason: expect.stringContaining('bound to its baseUrl origin') });
    expect(JSON.stringify(why)).not.toMatch(/s3cr3t-sid|pw-9|dark/);
  });
});

describe('diagnosis lines', () => {
  it('a 401 logs which cookies were withheld, the challenge and the server message', async () => {
    const { logger, lines } = capture();
    await using s = new Session({ baseUrl: server.url, logger });
    await s.get('/set');
    expect((await s.get('/api/me')).status).toBe(401);
    const line = lines.find((l) => l.includes('sessio:auth 401 for GET'));
    expect(line).toBeDefined();
    expect(line).toContain('cookies not sent: SID (Path=/app does not match /api/me)');
    expect(line).toContain('no Authorization sent');
    expect(line).toContain('WWW-Authenticate: basic realm="crm"');
    expect(line).toContain('server says: "Unauthorized: Full authentication is required (path /api/me)"');
    expect(lines.join('\n')).not.toContain('s3cr3t-sid');
  });

  it('ignored Set-Cookie headers reach the injected logger (one logging path), without values', async () => {
    const { logger, lines } = capture();
    await using s = new Session({ baseUrl: server.url, logger });
    await s.get('/set');
    const line = lines.find((l) => l.includes('sessio:cookies ignored Set-Cookie bad'));
    expect(line).toMatch(/Domain/i);
    expect(lines.join('\n')).not.toContain('s3cr3t-sid');
  });

  it('a session closed stops listening to a jar it shares', async () => {
    const { logger, lines } = capture();
    const s = new Session({ baseUrl: server.url, logger });
    await s.close();
    s.cookies.setCookie('bad=x; Domain=example.org', `${server.url}/`);
    expect(lines.filter((l) => l.includes('sessio:cookies'))).toEqual([]);
  });
});
