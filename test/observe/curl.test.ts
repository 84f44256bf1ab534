import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, type RequestOptions } from '../../src/index.js';
import { shellQuote } from '../../src/core/curl.js';
import { selfSignedCertificate, startHttpServer, startHttpsServer, type TestServer } from '../helpers/tls.js';

const run = promisify(execFile);

/** What the server saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let seen: Seen[] = [];
function recorder(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: { ...req.headers }, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(req.method === 'HEAD' ? undefined : 'ok');
  });
}

let server: TestServer<http.Server>;
let tlsServer: TestServer<https.Server>;
let dir: string;

beforeAll(async () => {
  server = await startHttpServer(recorder);
  const { selfSignedCert, selfSignedKey } = await selfSignedCertificate();
  tlsServer = await startHttpsServer(recorder, { cert: selfSignedCert, key: selfSignedKey });
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-curl-'));
}, 60_000);

afterAll(async () => {
  await server.close();
  await tlsServer.close();
  await rm(dir, { recursive: true, force: true });
});

/** Headers both clients send the same way (curl's own Accept-Encoding and connection handling differ). */
function comparable(headers: Seen['headers']): Seen['headers'] {
  const { 'accept-encoding': _ae, connection: _c, 'content-length': _cl, ...rest } = headers;
  return rest;
}

async function runCurl(command: string): Promise<void> {
  await run('sh', ['-c', `${command} --silent --show-error --max-time 10 -o /dev/null`], { cwd: dir, timeout: 15_000 });
}

/** Sends with sessio, replays `r.request.toCurl({ redact: false })` with real curl, returns both server views. */
async function sessioThenCurl(s: Session, method: string, url: string, options: RequestOptions = {}): Promise<{ a: Seen; b: Seen; command: string }> {
  seen = [];
  const r = await s.request(method, url, options);
  expect(r.status).toBe(200);
  const command = r.request.toCurl({ redact: false });
  await runCurl(command);
  expect(seen).toHaveLength(2);
  return { a: seen[0]!, b: seen[1]!, command };
}

function expectSame(a: Seen, b: Seen): void {
  expect(b.method).toBe(a.method);
  expect(b.url).toBe(a.url);
  expect(comparable(b.headers)).toEqual(comparable(a.headers));
  expect(b.body.equals(a.body)).toBe(true);
}

describe('toCurl() replayed by the real curl binary', () => {
  it('GET with tricky query, quotes in headers, cookies and bearer auth', async () => {
    await using s = new Session({ baseUrl: server.url, headers: { authorization: 'Bearer abc.def' } });
    const { a, b, command } = await sessioThenCurl(s, 'GET', '/p/a b', {
      params: { 'q[]': ["it's", 'x&y=z'], e: '$HOME `id`' },
      headers: { 'x-quote': `it's "quoted" $PATH \\ end`, 'x-empty': '' },
      cookies: { sid: 'v1', other: 'v 2' },
    });
    expectSame(a, b);
    expect(a.headers['x-empty']).toBe('');
    expect(command).toContain('--compressed');
  });

  it('POST JSON, form and a raw text body starting with @ and holding newlines', async () => {
    await using s = new Session({ baseUrl: server.url });
    let r = await sessioThenCurl(s, 'POST', '/json', { json: { name: "O'Brien", list: [1, 2], nl: 'a\nb' } });
    expectSame(r.a, r.b);
    r = await sessioThenCurl(s, 'POST', '/form', { form: { user: 'alice', password: 'p@ss&word=1', many: ['1', '2'] } });
    expectSame(r.a, r.b);
    r = await sessioThenCurl(s, 'PUT', '/raw', { body: "@/etc/passwd\nline 2\r\nit's\n" });
    expectSame(r.a, r.b);
    expect(r.a.headers['content-type']).toBeUndefined();
  });

  it('binary bodies with NUL bytes go through printf', async () => {
    await using s = new Session({ baseUrl: server.url });
    const bytes = Buffer.from([0, 1, 2, 39, 92, 10, 13, 127, 128, 200, 255, 0]);
    const { a, b, command } = await sessioThenCurl(s, 'PATCH', '/bin', { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expectSame(a, b);
    expect(b.body.equals(bytes)).toBe(true);
    expect(command).toMatch(/^printf '%b' /);
  });

  it('HEAD, DELETE, and headers removed from the session', async () => {
    await using s = new Session({ baseUrl: server.url, headers: { accept: null, 'user-agent': null, 'accept-encoding': 'identity' } });
    let r = await sessioThenCurl(s, 'HEAD', '/h');
    expectSame(r.a, r.b);
    expect(r.command).toContain('--head');
    r = await sessioThenCurl(s, 'DELETE', '/d');
    expectSame(r.a, r.b);
    expect(r.b.headers['user-agent']).toBeUndefined();
    expect(r.b.headers['accept-encoding']).toBe('identity');
  });

  it('multipart fields and files become -F / --form-string', async () => {
    const file = path.join(dir, 'upload me.txt');
    await writeFile(file, 'file content\n');
    await using s = new Session({ baseUrl: server.url });
    const { a, b, command } = await sessioThenCurl(s, 'POST', '/upload', {
      multipart: { title: '@not-a-file;type=x', doc: { path: file, contentType: 'text/plain' } },
    });
    expect(command).toContain('--form-string');
    expect(b.method).toBe('POST');
    const parse = async (x: Seen) => {
      const fd = await new globalThis.Response(x.body, { headers: { 'content-type': String(x.headers['content-type']) } }).formData();
      const doc = fd.get('doc') as File;
      return { title: fd.get('title'), name: doc.name, type: doc.type, text: await doc.text() };
    };
    expect(await parse(b)).toEqual(await parse(a));
    expect(await parse(a)).toEqual({ title: '@not-a-file;type=x', name: 'upload me.txt', type: 'text/plain', text: 'file content\n' });
  });

  it('with a custom CA, --cacert ca.pem works once the CA is saved as the note says', async () => {
    const { testPki } = await import('../helpers/tls.js');
    const pki = await testPki();
    const trusted = await startHttpsServer(recorder);
    try {
      await writeFile(path.join(dir, 'ca.pem'), pki.ca);
      await using s = new Session({ baseUrl: trusted.url, tls: { ca: pki.ca } });
      const { a, b, command } = await sessioThenCurl(s, 'GET', '/ca');
      expect(command.split('\n')[0]).toMatch(/^# .*ca\.pem/);
      expect(command).toContain('--cacert ca.pem');
      expectSame(a, b);
    } finally {
      await trusted.close();
    }
  }, 60_000);

  it('adds -k when certificate checks were off', async () => {
    await using s = new Session({ baseUrl: tlsServer.url, tls: { rejectUnauthorized: false } });
    const { a, b, command } = await sessioThenCurl(s, 'GET', '/tls');
    expect(command).toMatch(/ -k$/);
    expectSame(a, b);
  });
});

describe('toCurl() redaction', () => {
  it('redacts credentials, cookies, tokens and password fields unless { redact: false }', async () => {
    await using s = new Session({ baseUrl: server.url, auth: { username: 'alice', password: 'pw-secret' }, sensitiveHeaders: ['X-Tenant-Key'] });
    const r = await s.post('/login', {
      params: { access_token: 'tok-in-url' },
      headers: { 'x-csrf-token': 'csrf-secret', 'x-tenant-key': 'tenant-secret' },
      cookies: { JSESSIONID: 'sess-secret' },
      form: { username: 'alice', password: 'pw-secret', _csrf: 'csrf-secret' },
    });
    const redacted = r.request.toCurl();
    for (const secret of ['pw-secret', 'tok-in-url', 'csrf-secret', 'tenant-secret', 'sess-secret', Buffer.from('alice:pw-secret').toString('base64')]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('Basic [REDACTED]');
    expect(redacted).toContain('JSESSIONID=[REDACTED]');
    expect(redacted).toContain('username=alice');
    const real = r.request.toCurl({ redact: false });
    expect(real).toContain('pw-secret');
    expect(real).toContain('sess-secret');
  });

  it('PreparedRequest.toCurl shows the request before sending; a stream body is referenced as a file', () => {
    const s = new Session({ baseUrl: server.url });
    const req = s.prepare('POST', '/x', { body: new ReadableStream<Uint8Array>() });
    const cmd = req.toCurl();
    expect(cmd.split('\n')[0]).toMatch(/^# the stream body .*body\.bin/);
    expect(cmd).toContain('--data-binary @body.bin');
    void s.close();
  });

  it('quotes shell words safely', () => {
    expect(shellQuote('plain-word_1.2')).toBe('plain-word_1.2');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});
