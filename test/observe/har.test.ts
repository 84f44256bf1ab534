import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { Readable } from 'node:stream';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

const schema = JSON.parse(readFileSync(new URL('./har-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function assertValidHar(har: unknown): void {
  const ok = validate(har);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

const PASSWORD = 'hunter2-pw';
const TOKEN = 'tok-1234567890';
const SID = 'sid-abcdef';

let server: TestServer<http.Server>;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (url.pathname === '/login') {
        res.writeHead(302, { location: `/home?access_token=${TOKEN}`, 'set-cookie': `SID=${SID}; Path=/; HttpOnly; Expires=Wed, 21 Oct 2037 07:28:00 GMT` });
        res.end();
      } else if (url.pathname === '/home') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: TOKEN, user: 'alice' }));
      } else if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(10_000));
      } else if (url.pathname === '/bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0, 1, 2, 255, 254]));
      } else if (url.pathname === '/drop') {
        req.socket.destroy();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`echo ${Buffer.concat(chunks).length}`);
      }
    });
  });
});

afterAll(() => server.close());

describe('HAR export', () => {
  it('uses a schema that rejects what HAR 1.2 forbids', () => {
    const entry = { startedDateTime: '2026-01-01T00:00:00.000Z', time: 1, cache: {}, timings: { send: 0, wait: 1, receive: 0 },
      request: { method: 'GET', url: 'http://127.0.0.1/', httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0 },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: -1 } };
    const har = (e: object) => ({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [e] } });
    expect(validate(har(entry))).toBe(true);
    expect(validate(har({ ...entry, timings: { send: 0, wait: 1 } }))).toBe(false);
    expect(validate(har({ ...entry, startedDateTime: 'yesterday' }))).toBe(false);
    expect(validate(har({ ...entry, response: { ...entry.response, content: { size: 0 } } }))).toBe(false);
    expect(validate(har({ ...entry, unknownField: 1 }))).toBe(false);
  });

  it('records every hop as a valid HAR 1.2 document, redacted by default', async () => {
    await using s = new Session({ baseUrl: server.url, har: true, auth: { username: 'alice', password: PASSWORD } });
    const r = await s.post('/login?x=1', { form: { username: 'alice', password: PASSWORD, _csrf: 'csrf-value-1' } });
    expect(r.status).toBe(200);
    await s.get('/bin');
    const har = s.har();
    assertValidHar(har);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('sessio');
    expect(har.log.entries.map((e) => `${e.request.method} ${e.response.status}`)).toEqual(['POST 302', 'GET 200', 'GET 200']);
    const [login, home, bin] = har.log.entries;
    expect(login!.request.queryString).toEqual([{ name: 'x', value: '1' }]);
    expect(login!.request.postData?.mimeType).toBe('application/x-www-form-urlencoded');
    expect(login!.request.postData?.params).toContainEqual({ name: 'username', value: 'alice' });
    expect(login!.request.postData?.params).toContainEqual({ name: 'password', value: '[REDACTED]' });
    expect(login!.response.redirectURL).toBe(`${server.url}/home?access_token=[REDACTED]`);
    expect(login!.response.cookies[0]).toMatchObject({ name: 'SID', value: '[REDACTED]', path: '/', httpOnly: true, expires: '2037-10-21T07:28:00.000Z' });
    expect(home!.request.cookies).toEqual([{ name: 'SID', value: '[REDACTED]' }]);
    expect(home!.request.headers).toContainEqual({ name: 'authorization', value: 'Basic [REDACTED]' });
    expect(home!.response.content.text).toBe('{"access_token":"[REDACTED]","user":"alice"}');
    expect(bin!.response.content).toMatchObject({ size: 5, encoding: 'base64', text: Buffer.from([0, 1, 2, 255, 254]).toString('base64') });
    const text = JSON.stringify(har);
    for (const secret of [PASSWORD, TOKEN, SID, 'csrf-value-1', Buffer.from(`alice:${PASSWORD}`).toString('base64')]) expect(text).not.toContain(secret);
  });

  it('gives the real values with { redact: false }', async () => {
    await using s = new Session({ baseUrl: server.url, har: true });
    await s.post('/login', { form: { password: PASSWORD } });
    const har = s.har({ redact: false });
    assertValidHar(har);
    const text = JSON.stringify(har);
    expect(text).toContain(PASSWORD);
    expect(text).toContain(SID);
    expect(text).toContain(TOKEN);
  });

  it('keeps at most maxEntries entries and maxBodySize bytes of a body', async () => {
    await using s = new Session({ baseUrl: server.url, har: { maxEntries: 3, maxBodySize: 100 } });
    for (let i = 0; i < 5; i++) await s.get(`/echo?i=${i}`);
    await s.get('/big');
    const har = s.har();
    assertValidHar(har);
    expect(har.log.entries).toHaveLength(3);
    expect(har.log.entries.map((e) => e.request.url.split('?')[1] ?? e.request.url)).toEqual(['i=3', 'i=4', `${server.url}/big`]);
    expect(har.log.comment).toMatch(/3 older entries were dropped/);
    const big = har.log.entries[2]!.response.content;
    expect(big.size).toBe(10_000);
    expect(big.text).toHaveLength(100);
    expect(big.comment).toMatch(/truncated/);
  });

  it('records only between startHar() and stopHar(), and har({ clear: true }) empties it', async () => {
    await using s = new Session({ baseUrl: server.url });
    await s.get('/echo?before');
    expect(s.har().log.entries).toHaveLength(0);
    s.startHar();
    await s.get('/echo?during');
    s.stopHar();
    await s.get('/echo?after');
    const har = s.har({ clear: true });
    expect(har.log.entries.map((e) => e.request.url)).toEqual([`${server.url}/echo?during`]);
    expect(s.har().log.entries).toHaveLength(0);
  });

  it('records a failed hop as status 0 with the error, and a streamed body as not recorded', async () => {
    await using s = new Session({ baseUrl: server.url, har: true });
    await expect(s.get('/drop')).rejects.toThrow();
    await s.post('/echo', { body: Readable.from([Buffer.from('streamed')]) });
    const har = s.har();
    assertValidHar(har);
    const failed = har.log.entries.find((e) => e.request.url.endsWith('/drop'))!;
    expect(failed.response.status).toBe(0);
    expect(failed.response.comment).toMatch(/Error/);
    const streamed = har.log.entries.find((e) => e.request.method === 'POST')!;
    expect(streamed.request.postData?.comment).toMatch(/stream body, not recorded/);
  });
});
