// HTTPie 3 options of sessio's CLI, run as a subprocess against the project's Node echo server.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/tls.js';
import { startEchoServer, type Echo } from './helpers/echo.js';
import { runCli } from './helpers/run.js';

let server: TestServer<http.Server>;
let dir: string;
const env = () => ({ XDG_CONFIG_HOME: dir });
const echoOf = (out: string) => JSON.parse(out) as Echo;

beforeAll(async () => {
  server = await startEchoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-opts-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sessio HTTPie options', { timeout: 120_000 }, () => {
  it('--offline prints the request as it would be sent, in order, with Host and Content-Length, and sends nothing', async () => {
    const file = path.join(dir, 'offline.json');
    const r = await runCli(['--offline', '--session', file, `${server.url}/echo`, 'a[b]=1', 'X-Team:blue', 'Authorization:Bearer abc'], { env: env() });
    expect(r.stderr).toBe('');
    const [head, body] = r.out.split('\n\n');
    const lines = head!.split('\n');
    expect(lines[0]).toBe('POST /echo HTTP/1.1');
    expect(lines[1]).toBe(`host: 127.0.0.1:${server.port}`);
    expect(lines).toContain('x-team: blue');
    expect(lines).toContain('authorization: Bearer [REDACTED]');
    expect(lines.at(-1)).toBe('content-length: 15');
    expect(lines.indexOf('accept: application/json, */*;q=0.5')).toBeLessThan(lines.indexOf('x-team: blue'));
    expect(body!.trim()).toBe('{"a":{"b":"1"}}');
    // Nothing was sent: the echo server would have set no state, and the session file was still written with the header.
    const saved = JSON.parse(await readFile(file, 'utf8')) as { headers: Record<string, string> };
    expect(saved.headers['x-team']).toBe('blue');
  });

  it('prints only the final exchange by default, every hop with --all, and the elapsed time with m', async () => {
    const final = await runCli(['-p', 'Hh', '--follow', `${server.url}/redirect`], { env: env() });
    expect(final.out.match(/^GET /gm)).toHaveLength(1);
    expect(final.out).toContain('GET /echo?from=redirect HTTP/1.1');
    const all = await runCli(['-p', 'Hhm', '--all', '--follow', `${server.url}/redirect`], { env: env() });
    expect(all.out.match(/^GET /gm)).toHaveLength(2);
    expect(all.out).toMatch(/HTTP\/1.1 302 Found[\s\S]*HTTP\/1.1 200 OK/);
    expect(all.out).toMatch(/Elapsed time: \d+\.\d{3}s/);
  });

  it('sends piped stdin as the body (POST, JSON type), ignores it with -I, and refuses --raw with data items', async () => {
    const piped = echoOf((await runCli([`${server.url}/echo`], { env: env(), input: '{"from":"stdin"}' })).out);
    expect(piped).toMatchObject({ method: 'POST', body: '{"from":"stdin"}' });
    expect(piped.headers['content-type']).toBe('application/json');
    const ignored = echoOf((await runCli(['-I', `${server.url}/echo`], { env: env(), input: 'unused' })).out);
    expect(ignored).toMatchObject({ method: 'GET', body: '' });
    const both = await runCli([`${server.url}/echo`, 'a=1', '--raw', 'x'], { env: env() });
    expect(both.code).toBe(1);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
    expect(both.stderr).toMatch(/cannot be mixed/);
  });

  it('deflates with -x, streams with --chunked', async () => {
    const long = 'x'.repeat(2000);
    const x = echoOf((await runCli(['-x', `${server.url}/echo`, `text=${long}`], { env: env() })).out);
    expect(x.headers['content-encoding']).toBe('deflate');
    expect(Number(x.headers['content-length'])).toBeLessThan(200);
    const chunked = echoOf((await runCli(['--chunked', `${server.url}/echo`, 'a=1'], { env: env() })).out);
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(JSON.parse(chunked.body)).toEqual({ a: '1' });
  });

  it('--chunked streams a multipart body; -x deflates it (its files read whole, as HTTPie)', async () => {
    const file = path.join(dir, 'part.txt');
    await writeFile(file, 'y'.repeat(3000));
    const chunked = echoOf((await runCli(['--chunked', '--multipart', '--boundary', 'b0undary', `${server.url}/echo`, 'a=1', `f@${file}`], { env: env() })).out);
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(chunked.headers['content-type']).toBe('multipart/form-data; boundary=b0undary');
    expect(chunked.body).toBe(`--b0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b0undary\r\nContent-Disposition: form-data; name="f"; filename="part.txt"\r\nContent-Type: text/plain\r\n\r\n${'y'.repeat(3000)}\r\n--b0undary--\r\n`);
    const r = await runCli(['-x', `${server.url}/echo`, `f@${file}`], { env: env() });
    const x = echoOf(r.out);
    expect(x.headers['content-encoding']).toBe('deflate');
    expect(Number(x.headers['content-length'])).toBeLessThan(400);
    expect(x.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----sessio[0-9a-f]{32}$/);
  });

  it('saves -a credentials bound to their origin; --session-read-only uses the file without writing it', async () => {
    const file = path.join(dir, 'auth.json');
    const first = echoOf((await runCli(['--session', file, '-a', 'ann:s3cret', `${server.url}/echo`], { env: env() })).out);
    expect(first.headers.authorization).toBe(`Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
    const again = echoOf((await runCli(['--session', file, `${server.url}/echo`], { env: env() })).out);
    expect(again.headers.authorization).toBe(first.headers.authorization);
    // Another origin (localhost instead of 127.0.0.1) gets no credentials.
    const other = echoOf((await runCli(['--session', file, `:${server.port}/echo`], { env: env() })).out);
    expect(other.headers.authorization).toBeUndefined();
    const before = await readFile(file, 'utf8');
    const ro = echoOf((await runCli(['--session-read-only', file, `${server.url}/echo`, 'X-New:1'], { env: env() })).out);
    expect(ro.headers.authorization).toBe(first.headers.authorization);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('asks for a missing password only on a terminal; --boundary needs a multipart body it does not occur in', async () => {
    const r = await runCli(['-I', '-a', 'ann', `${server.url}/echo`], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no password and stdin is not a terminal/);
    const json = await runCli(['-I', '--boundary', 'xyz', `${server.url}/echo`, 'a=1'], { env: env() });
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/--boundary needs a multipart body \(add --multipart/);
    const forged = await runCli(['-I', '--multipart', '--boundary', 'xyz', `${server.url}/echo`, 'a=--xyz--'], { env: env() });
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/The multipart boundary "xyz" occurs in the content of a part/);
    const offline = await runCli(['-I', '--offline', '--multipart', '--boundary', 'xyz', `${server.url}/echo`, 'Content-Type:multipart/mixed', 'a=1'], { env: env() });
    expect(offline.out).toMatch(/^content-type: multipart\/mixed; boundary=xyz$/m);
    expect(offline.out.match(/^content-length: /gm)).toHaveLength(1);
    const asIs = await runCli(['-I', '--path-as-is', '--offline', `${server.url}/a/../b`], { env: env() });
    expect(asIs.out).toMatch(/^GET \/a\/\.\.\/b HTTP\/1\.1$/m);
    expect(echoOf((await runCli(['-I', '--path-as-is', `${server.url}/a/../echo?x=/../`], { env: env() })).out).url).toBe('/a/../echo?x=/../');
    const nested = await runCli(['-I', `${server.url}/echo`, 'a[b=1'], { env: env() });
    expect(nested.code).toBe(1);
    expect(nested.stderr).toMatch(/^sessio: error: HTTPie Syntax Error: Expecting '\]'/);
  });

  it('--download with a piped stdout writes the body to stdout; -c resumes a partial file', async () => {
    const piped = await runCli(['--download', `${server.url}/file`], { env: env(), cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stdout.length).toBe(256 * 1024);
    await expect(stat(path.join(dir, 'report.bin'))).rejects.toThrow();
    const out = path.join(dir, 'part.bin');
    await writeFile(out, Buffer.alloc(10, 0));
    const resumed = await runCli(['--download', '--continue', '-o', out, `${server.url}/file`], { env: env() });
    expect(resumed.code).toBe(0);
    // The echo server ignores the Range header it was sent (200), so the file is written whole, not appended to.
    expect((await stat(out)).size).toBe(256 * 1024);
    const noOutput = await runCli(['--download', '--continue', `${server.url}/file`], { env: env(), cwd: dir });
    expect(noOutput.stderr).toMatch(/--continue needs --output/);
    // As HTTPie: an error status (here a 416, as for -c past the end) exits 4 and leaves the partial file alone.
    await writeFile(out, 'abc');
    const refused = await runCli(['--download', '--continue', '-o', out, `${server.url}/status/416`], { env: env() });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/warning: HTTP 416/);
    expect(await readFile(out, 'utf8')).toBe('abc');
  });

  it('sorts headers and JSON keys with --sorted', async () => {
    const r = await runCli(['--sorted', '--pretty', 'format', '-p', 'H', `${server.url}/echo`, 'z=1', 'a=2'], { env: env() });
    const names = r.out.split('\n').slice(1).filter(Boolean).map((l) => l.split(':')[0]!);
    expect(names).toEqual([...names].sort());
  });

});
