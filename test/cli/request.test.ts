import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';
import { startEchoServer, type Echo } from './helpers/echo.js';
import { runCli } from './helpers/run.js';

let server: TestServer<http.Server>;
let dir: string;
const env = () => ({ XDG_CONFIG_HOME: dir });

beforeAll(async () => {
  server = await startEchoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const echoOf = (out: string) => JSON.parse(out) as Echo;

describe('sessio request items', { timeout: 90_000 }, () => {
  it('sends JSON fields, raw JSON, headers and query parameters, POST by default with a body', async () => {
    const r = await runCli([`${server.url}/echo`, 'name=ann', 'age:=41', 'tags:=["a","b"]', 'X-Team:blue', 'q==1 2', 'a\\:b=escaped'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const echo = echoOf(r.out);
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/echo?q=1+2');
    expect(echo.headers['x-team']).toBe('blue');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers.accept).toBe('application/json, */*;q=0.5');
    expect(JSON.parse(echo.body)).toEqual({ name: 'ann', age: 41, tags: ['a', 'b'], 'a:b': 'escaped' });
  });

  it('uses GET without a body, an explicit method otherwise, and :PORT for localhost', async () => {
    const get = echoOf((await runCli([`:${server.port}/echo`], { env: env() })).out);
    expect(get.method).toBe('GET');
    expect(get.headers.host).toBe(`localhost:${server.port}`);
    const del = echoOf((await runCli(['delete', `${server.url}/echo`], { env: env() })).out);
    expect(del.method).toBe('DELETE');
  });

  it('sends --form fields urlencoded, and files as multipart', async () => {
    const form = echoOf((await runCli(['--form', `${server.url}/echo`, 'user=ann', 'x=1&2'], { env: env() })).out);
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(form.body).toBe('user=ann&x=1%262');
    const file = path.join(dir, 'note.txt');
    await writeFile(file, 'file content');
    const mp = echoOf((await runCli(['--form', `${server.url}/echo`, 'title=t', `doc@${file}`], { env: env() })).out);
    expect(mp.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(mp.body).toContain('filename="note.txt"');
    expect(mp.body).toContain('file content');
    expect(mp.body).toContain('name="title"');
  });

  it('rejects bad items with one line and exit 1', async () => {
    const r = await runCli([`${server.url}/echo`, 'n:=not-json'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sessio: error: "n:=not-json": the value after := is not valid JSON \(/);
  });
});

describe('sessio output', { timeout: 90_000 }, () => {
  it('writes the body bytes unchanged when piped', async () => {
    const r = await runCli([`${server.url}/bytes`], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout.equals(Buffer.from([...Array(256).keys()]))).toBe(true);
  });

  it('prints redacted request and response headers with -v, and no colours when piped', async () => {
    const r = await runCli(['-v', `${server.url}/set`, 'sid==secretvalue', 'page==2'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^GET \/set\?sid=\[REDACTED\]&page=2 HTTP\/1\.1\nhost: 127\.0\.0\.1:\d+\n/);
    expect(r.out.slice(0, r.out.indexOf('HTTP/1.1 200'))).not.toContain('secretvalue');
    expect(r.out).toMatch(/HTTP\/1\.1 200 OK/);
    expect(r.out).toContain('set-cookie: sid=[REDACTED]; Path=/; HttpOnly');
    expect(r.out).not.toContain('\x1b[');
  });

  it('prints only the parts --print asks for', async () => {
    const r = await runCli(['--print', 'h', `${server.url}/echo`], { env: env() });
    expect(r.out).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(r.out).not.toContain('"method"');
    const bad = await runCli(['--print', 'x', `${server.url}/echo`], { env: env() });
    expect(bad.code).toBe(1);
  });

  it('pretty-prints with colours when asked even when piped, and respects NO_COLOR', async () => {
    const r = await runCli(['--pretty', 'all', `${server.url}/status/200`], { env: env() });
    expect(r.out).toBe('{\n    \x1b[34m"status"\x1b[39m: \x1b[33m200\x1b[39m\n}\n');
    const plain = await runCli(['--pretty', 'all', `${server.url}/status/200`], { env: { ...env(), NO_COLOR: '1' } });
    expect(plain.out).toBe('{\n    "status": 200\n}\n');
  });

  it('colours piped output under FORCE_COLOR, not under FORCE_COLOR=0', async () => {
    const forced = await runCli([`${server.url}/status/200`], { env: { ...env(), FORCE_COLOR: '1' } });
    expect(forced.out).toContain('\x1b[34m"status"\x1b[39m');
    const off = await runCli([`${server.url}/status/200`], { env: { ...env(), FORCE_COLOR: '0' } });
    expect(off.out).toBe('{"status":200}');
  });

  it('prints a redacted curl command with --curl and sends nothing', async () => {
    await runCli(['--session', 'curl', `${server.url}/set`, 'sid==s3cr3t'], { env: env() });
    // --check-status would exit 5 had the request gone out.
    const r = await runCli(['--session', 'curl', '--curl', '--check-status', `${server.url}/status/500`, 'name=ann'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^curl '?http:\/\/127\.0\.0\.1:\d+\/status\/500'? /);
    expect(r.out).toContain("-H 'cookie: sid=[REDACTED]'");
    expect(r.out).toContain('{"name":"ann"}');
    expect(r.out).not.toContain('s3cr3t');
  });

  it('writes a HAR file of the exchange with --har', async () => {
    const har = path.join(dir, 'trace.har');
    const r = await runCli(['--har', har, '--follow', `${server.url}/redirect`], { env: env() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(await readFile(har, 'utf8')) as { log: { entries: { response: { status: number } }[] } };
    expect(doc.log.entries.map((e) => e.response.status)).toEqual([302, 200]);
    expect((await stat(har)).mode & 0o777).toBe(0o600);
  });

  it('prints the help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--session', '--form', '--verbose', '--print', '--curl', '--har', '--check-status', '--timeout', '--proxy', '--verify', '--ca', '--follow', '--max-redirects', '--download', 'session list', 'login [form] URL', 'login jwt URL', 'login client-credentials TOKEN_URL', 'login password-grant TOKEN_URL', '--client-id', '--origin']) {
      expect(r.out).toContain(flag);
    }
  });
});

describe('sessio exit codes', { timeout: 240_000 }, () => {
  it('maps statuses with --check-status: 3xx 3, 4xx 4, 5xx 5, else 0', async () => {
    const code = async (p: string, ...flags: string[]) => (await runCli(['--check-status', ...flags, `${server.url}${p}`], { env: env() })).code;
    expect(await code('/redirect')).toBe(3);
    expect(await code('/status/404')).toBe(4);
    expect(await code('/status/503')).toBe(5);
    expect(await code('/status/200')).toBe(0);
    expect(await code('/redirect', '--follow')).toBe(0);
    expect((await runCli([`${server.url}/status/404`], { env: env() })).code).toBe(0);
  });

  it('follows redirects only with --follow, within --max-redirects', async () => {
    const followed = echoOf((await runCli(['--follow', `${server.url}/redirect`], { env: env() })).out);
    expect(followed.url).toBe('/echo?from=redirect');
    const capped = await runCli(['--follow', '--max-redirects', '0', `${server.url}/redirect`], { env: env() });
    expect(capped.code).toBe(6);
  });

  it('fails with one line naming the URL when nothing listens', async () => {
    const r = await runCli(['http://127.0.0.1:1/nothing'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('http://127.0.0.1:1/nothing');
    expect(r.stderr).toContain('Is the server running');
  });

  it('exits 2 on --timeout', async () => {
    const r = await runCli(['--timeout', '0.3', `${server.url}/slow`], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Timed out .*--timeout/);
  });

  it('refuses unknown options with a hint', async () => {
    const r = await runCli(['--nope', server.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("sessio: error: Unknown option '--nope' (see sessio --help)\n");
  });
});

describe('sessio network options', { timeout: 90_000 }, () => {
  it('goes through --proxy', async () => {
    const seen: string[] = [];
    const proxy = await startHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    try {
      const r = await runCli(['--proxy', proxy.url, `${server.url}/echo`], { env: env() });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).url).toBe('/echo');
      expect(seen).toEqual([`GET ${server.url}/echo`]);
    } finally {
      await proxy.close();
    }
  });

  it('checks TLS certificates: refused by default, accepted with --ca or --verify no', async () => {
    const pki = await testPki();
    const tls = await startHttpsServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":true}'));
    try {
      const ca = path.join(dir, 'ca.pem');
      await writeFile(ca, pki.ca);
      const refused = await runCli([`${tls.url}/`], { env: env() });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^sessio: error: TLS handshake with 127\.0\.0\.1:\d+ failed/);
      expect((await runCli(['--ca', ca, `${tls.url}/`], { env: env() })).out).toBe('{"tls":true}');
      expect((await runCli(['--verify', ca, `${tls.url}/`], { env: env() })).out).toBe('{"tls":true}');
      expect((await runCli(['--verify', 'no', `${tls.url}/`], { env: env() })).out).toBe('{"tls":true}');
    } finally {
      await tls.close();
    }
  });
});
