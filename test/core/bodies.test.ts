import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError, Session, type MultipartInit } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

interface Echo { method: string; headers: Record<string, string>; body: string; sha256: string; length: number }

let server: TestServer<http.Server>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-bodies-'));
  server = await startHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // an upload the client aborted
    }
    const all = Buffer.concat(chunks);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({
      method: req.method,
      headers: req.headers,
      body: all.length < 100_000 ? all.toString('latin1') : '',
      sha256: createHash('sha256').update(all).digest('hex'),
      length: all.length,
    }));
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function send(opts: object, method = 'POST'): Promise<Echo> {
  await using s = new Session({ baseUrl: server.url });
  return (await s.request(method, '/', opts)).json<Echo>();
}

describe('request bodies', () => {
  it('json sets Content-Type and Content-Length', async () => {
    const e = await send({ json: { a: [1, 'é'] } });
    expect(e.headers['content-type']).toBe('application/json');
    expect(e.body).toBe(Buffer.from('{"a":[1,"é"]}').toString('latin1'));
    expect(Number(e.headers['content-length'])).toBe(Buffer.byteLength('{"a":[1,"é"]}'));
  });

  it('form is urlencoded with arrays as repeated keys', async () => {
    const e = await send({ form: { user: 'a b', role: ['x', 'y'], skip: null } });
    expect(e.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(e.body).toBe('user=a+b&role=x&role=y');
  });

  it('a user-given Content-Type wins', async () => {
    const e = await send({ json: { a: 1 }, headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(e.headers['content-type']).toBe('application/vnd.api+json');
  });

  it('accepts string, Uint8Array, Readable, web ReadableStream and Blob bodies', async () => {
    expect((await send({ body: 'plain' })).body).toBe('plain');
    expect((await send({ body: new Uint8Array([104, 105]) })).body).toBe('hi');
    expect((await send({ body: Readable.from([Buffer.from('no'), Buffer.from('de')]) })).body).toBe('node');
    const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('web')); c.close(); } });
    expect((await send({ body: web })).body).toBe('web');
    const blob = await send({ body: new Blob(['blob!'], { type: 'text/plain' }) });
    expect(blob.body).toBe('blob!');
    expect(blob.headers['content-type']).toBe('text/plain');
    expect(blob.headers['content-length']).toBe('5');
  });

  it('refuses two bodies at once', async () => {
    await expect(send({ json: {}, form: {} })).rejects.toBeInstanceOf(RequestError);
  });

  it('multipart streams a file from disk with a known Content-Length and a random boundary', async () => {
    const file = path.join(dir, 'big.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await writeFile(file, data);
    const e = await send({ multipart: { title: 'report', file: { path: file, contentType: 'application/x-test' } } });
    const m = /boundary=(\S+)/.exec(e.headers['content-type']!);
    expect(m?.[1]).toMatch(/^----sessio[0-9a-f]{32}$/);
    expect(Number(e.headers['content-length'])).toBe(e.length);
    expect(e.length).toBeGreaterThan(data.length);
    const e2 = await send({ multipart: { title: 'report', file: { path: file } } });
    expect(/boundary=(\S+)/.exec(e2.headers['content-type']!)?.[1]).not.toBe(m?.[1]);
  });

  it('multipart encodes fields, repeated fields, streams and escapes names', async () => {
    const e = await send({
      multipart: {
        a: 'x',
        tags: ['1', '2'],
        'we"ird': 'v',
        up: { stream: Readable.from([Buffer.from('streamed')]), filename: 'up.txt', contentType: 'text/plain' },
        raw: { value: 'inline', filename: 'in.txt' },
      },
    });
    expect(e.headers['transfer-encoding']).toBe('chunked'); // a stream part has no known size
    expect(e.body).toContain('Content-Disposition: form-data; name="a"\r\n\r\nx\r\n');
    expect(e.body.match(/name="tags"/g)).toHaveLength(2);
    expect(e.body).toContain('name="we%22ird"');
    expect(e.body).toContain('name="up"; filename="up.txt"\r\nContent-Type: text/plain\r\n\r\nstreamed\r\n');
    expect(e.body).toMatch(/--\r\n$/);
  });

  it('multipart gives a file part the type of its name, as browsers and HTTPie do', async () => {
    const csv = path.join(dir, 'rows.csv');
    await writeFile(csv, 'a,b\n');
    const e = await send({ multipart: { f: { path: csv }, g: { value: '{}', filename: 'x.json' }, h: { value: 'x', filename: 'noext' }, i: { path: csv, contentType: 'text/plain' } } });
    expect(e.body).toContain('name="f"; filename="rows.csv"\r\nContent-Type: text/csv\r\n');
    expect(e.body).toContain('name="g"; filename="x.json"\r\nContent-Type: application/json\r\n');
    expect(e.body).toContain('name="h"; filename="noext"\r\nContent-Type: application/octet-stream\r\n');
    expect(e.body).toContain('name="i"; filename="rows.csv"\r\nContent-Type: text/plain\r\n');
  });

  it('multipart keeps a Content-Type of the caller: its boundary, or its type with a boundary added', async () => {
    const own = await send({ headers: { 'Content-Type': 'multipart/form-data; boundary=xoxo' }, multipart: { a: '1' } });
    expect(own.headers['content-type']).toBe('multipart/form-data; boundary=xoxo');
    expect(own.body).toBe('--xoxo\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xoxo--\r\n');
    const quoted = await send({ headers: { 'content-type': 'multipart/form-data; boundary="a b:c"' }, multipart: { a: '1' } });
    expect(quoted.body).toMatch(/^--a b:c\r\n/);
    const mixed = await send({ headers: { 'content-type': 'multipart/mixed' }, multipart: { a: '1' } });
    const boundary = /^multipart\/mixed; boundary=(-{4}sessio[0-9a-f]{32})$/.exec(mixed.headers['content-type']!)?.[1];
    expect(boundary).toBeDefined();
    expect(mixed.body.startsWith(`--${boundary}\r\n`)).toBe(true);
  });

  it('multipart refuses a chosen boundary that is invalid or that the content contains', async () => {
    await using s = new Session({ baseUrl: server.url });
    const post = (boundary: string, multipart: MultipartInit) => s.post('/', { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart });
    await expect(post('a{b}', { a: '1' })).rejects.toThrow(RequestError);
    await expect(post(`${'x'.repeat(71)}`, { a: '1' })).rejects.toThrow(/Invalid multipart boundary/);
    await expect(post('xoxo', { a: 'text\r\n--xoxo--\r\nforged' })).rejects.toThrow(/The multipart boundary "xoxo" occurs in the content of a part \(Content-Disposition: form-data; name="a"\)/);
    // A streamed file is checked as it is sent, across chunk borders: the upload is aborted.
    const file = path.join(dir, 'forged.bin');
    await writeFile(file, Buffer.concat([Buffer.alloc(65_535, 'a'), Buffer.from('--xoxo'), Buffer.alloc(1000, 'b')]));
    await expect(post('xoxo', { f: { path: file } })).rejects.toThrow(/occurs in the content of a part/);
    // Chunks shorter than the delimiter: the match spans three of them.
    await expect(post('bound', { f: { stream: Readable.from([Buffer.from('x--b'), Buffer.from('ou'), Buffer.from('nd')]), filename: 's.bin' } })).rejects.toThrow(/occurs in the content/);
    await expect(post('"a\\"b"', { a: '1' })).rejects.toThrow(/Invalid multipart boundary "a\\"b"/);
    await expect(post('x; y="unterminated', { a: '1' })).rejects.toThrow(/Malformed Content-Type/);
    // A quoted value of another parameter is not read as the boundary.
    const quotedOther = await (await s.post('/', { headers: { 'content-type': 'multipart/mixed; x="; boundary=evil"; boundary=good' }, multipart: { a: '1' } })).json<Echo>();
    expect(quotedOther.body).toMatch(/^--good\r\n/);
    const fine = await (await post('xoxo', { a: 'x--xox', b: '-xoxo' })).json<Echo>();
    expect(fine.body).toContain('name="a"\r\n\r\nx--xox\r\n--xoxo\r\n');
  });

  it('multipart accepts a WHATWG FormData', async () => {
    const fd = new FormData();
    fd.append('name', 'v');
    fd.append('file', new Blob(['abc'], { type: 'text/csv' }), 'f.csv');
    const e = await send({ multipart: fd });
    expect(e.body).toContain('name="file"; filename="f.csv"\r\nContent-Type: text/csv\r\n\r\nabc');
  });
});
