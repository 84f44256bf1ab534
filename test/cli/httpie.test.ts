// sessio's CLI beside the real HTTPie (Debian's httpie 3.2) against real httpbin: for command lines
// from HTTPie's documentation (docs/README.md: JSON, nested JSON, forms, files, headers, query
// parameters, stdin, auth), the request that reaches httpbin's /anything echo is the same.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpbinMissing, httpieMissing, runHttpie, startHttpbin, type Httpbin } from '../helpers/httpbin.js';
import { runCli } from './helpers/run.js';

const missing = httpbinMissing() ?? httpieMissing();
if (missing) console.log(`[cli httpie] ${missing}`);

let bin: Httpbin;
let dir: string;

beforeAll(async () => {
  if (missing) return;
  bin = await startHttpbin();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-httpie-'));
  await writeFile(path.join(dir, 'about.txt'), 'About me\n');
  await writeFile(path.join(dir, 'bookmarks.json'), '{"sites": ["httpie.io", "pie.dev"]}');
  await writeFile(path.join(dir, 'token.txt'), 'secret-token\n');
  await writeFile(path.join(dir, 'cv.txt'), 'curriculum vitae');
}, 60_000);
afterAll(async () => {
  await bin?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Echo {
  method: string;
  url: string;
  args: unknown;
  form: unknown;
  files: unknown;
  json: unknown;
  data: string;
  headers: Record<string, string>;
}

/** What both CLIs must agree on: everything httpbin saw except the client's name and JSON whitespace. */
function normalise(out: string): unknown {
  const echo = JSON.parse(out) as Echo;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(echo.headers)) {
    const name = k.toLowerCase();
    if (name === 'user-agent') continue;
    // HTTPie writes JSON with ", " and ": " separators, sessio without spaces, and their multipart
    // boundaries differ in length: those bodies' lengths differ while their content is the same.
    if (name === 'content-length' && (echo.json !== null || /^multipart\//.test(echo.headers['Content-Type'] ?? ''))) continue;
    headers[name] = name === 'content-type' ? v.replace(/boundary=\S+/, 'boundary=*') : v;
  }
  return { method: echo.method, url: echo.url, args: echo.args, form: echo.form, files: echo.files, json: echo.json, data: echo.json === null ? echo.data : '(json)', headers };
}

/** Runs `http ARGS` and `sessio ARGS` (URL first, as `:PORT/path`) and compares what httpbin received. */
async function same(args: string[], input?: string): Promise<unknown> {
  const expand = (a: string) => a.replaceAll('$BIN', `:${bin.port}`).replaceAll('$DIR', dir);
  const full = args.map(expand);
  const [theirs, ours] = await Promise.all([
    runHttpie(input === undefined ? ['--ignore-stdin', ...full] : full, input ?? '', { HTTPIE_CONFIG_DIR: dir }),
    runCli(input === undefined ? ['--ignore-stdin', ...full] : full, { env: { XDG_CONFIG_HOME: dir }, input, cwd: dir }),
  ]);
  expect(theirs.stderr).toBe('');
  expect(ours.stderr).toBe('');
  expect(ours.code).toBe(0);
  const expected = normalise(theirs.stdout);
  expect(normalise(ours.out)).toEqual(expected);
  return expected;
}

describe.skipIf(missing !== undefined)('sessio and HTTPie send the same request to httpbin', { timeout: 120_000 }, () => {
  it('JSON fields, raw JSON, method', async () => {
    await same(['PUT', '$BIN/anything', 'name=John', 'email=john@example.org']);
    const sent = await same(['$BIN/anything', 'name=John', 'language=Python', 'hobbies:=["http","pies"]', 'age:=29', 'married:=false', 'favorite:={"tool": "HTTPie"}']) as { json: unknown };
    expect(sent.json).toEqual({ name: 'John', language: 'Python', hobbies: ['http', 'pies'], age: 29, married: false, favorite: { tool: 'HTTPie' } });
  });

  it('nested JSON, top-level arrays, indexes and escapes (docs "Nested JSON")', async () => {
    await same(['$BIN/anything', 'platform[name]=HTTPie', 'platform[about][mission]=Make APIs simple and intuitive', 'platform[about][homepage]=httpie.io',
      'platform[about][stars]:=54000', 'platform[apps][]=Terminal', 'platform[apps][]=Desktop', 'platform[apps][]=Web', 'platform[apps][]=Mobile']);
    const arr = await same(['$BIN/anything', '[]:=1', '[]:=2', '[]:=3']) as { json: unknown };
    expect(arr.json).toEqual([1, 2, 3]);
    await same(['$BIN/anything', '[0][type]=platform', '[0][name]=terminal', '[1][type]=platform', '[1][name]=desktop']);
    await same(['$BIN/anything', 'foo\\[bar\\]:=1', 'baz[\\[]:=2', 'baz[\\]]:=3', 'x[2]=y']);
  });

  it('forms with repeated fields, multipart with files and --multipart', async () => {
    const form = await same(['--form', 'POST', '$BIN/anything', 'name=John Smith', 'a=1', 'a=2', 'n:=3']) as { form: unknown };
    expect(form.form).toEqual({ name: 'John Smith', a: ['1', '2'], n: '3' });
    await same(['--form', '$BIN/anything', 'name=John', 'cv@$DIR/cv.txt']);
    await same(['--multipart', '$BIN/anything', 'hello=world']);
  });

  it('headers (repeated, empty, removed), query parameters, and items read from files', async () => {
    await same(['$BIN/anything', 'User-Agent:Bacon/1.0', 'Cookie:valued-visitor=yes;foo=bar', 'X-Foo:Bar', 'X-Foo:Baz', 'Referer:https://httpie.org/', 'X-Empty;', 'Accept:']);
    await same(['$BIN/anything', 'search==httpie', 'lang==en', 'lang==fr', 'per page==20']);
    await same(['$BIN/anything', 'X-Token:@$DIR/token.txt', 'q==@$DIR/token.txt', 'description=@$DIR/about.txt', 'bookmarks:=@$DIR/bookmarks.json']);
  });

  it('a body from stdin or --raw', async () => {
    const sent = await same(['PATCH', '$BIN/anything'], '{"name": "John"}') as { json: unknown; method: string };
    expect(sent).toMatchObject({ method: 'PATCH', json: { name: 'John' } });
    await same(['$BIN/anything'], 'plain text\n');
    await same(['--raw', 'Hello', '$BIN/anything']);
    await same(['--form', '$BIN/anything'], 'a=1&b=2');
  });

  it('-a basic, -A digest and -A bearer authenticate the same way', async () => {
    const run = (args: string[]) => Promise.all([runHttpie(['-I', ...args]), runCli(['-I', ...args], { env: { XDG_CONFIG_HOME: dir } })]);
    for (const args of [
      ['-a', 'user:pass', `:${bin.port}/basic-auth/user/pass`],
      ['-A', 'digest', '-a', 'user:pass', `:${bin.port}/digest-auth/auth/user/pass`],
      ['-A', 'bearer', '-a', 'tok3n', `:${bin.port}/bearer`],
    ]) {
      const [theirs, ours] = await run(args);
      expect(ours.stderr).toBe('');
      expect(JSON.parse(ours.out)).toEqual(JSON.parse(theirs.stdout));
      expect(JSON.parse(ours.out)).toMatchObject({ authenticated: true });
    }
  });

  it('--path-as-is keeps dot segments; --boundary sets the multipart boundary', async () => {
    // httpbin (werkzeug) reports the path normalised; the raw target is checked against the echo server.
    await same(['--path-as-is', '$BIN/anything/a/../b/./c']);
    await same(['--path-as-is', '$BIN/anything/a/../b', 'q==1', 'x=1']);
    // Same boundary, so the same bytes: Content-Length and the body must agree too.
    const [theirs, ours] = await Promise.all([
      runHttpie(['--ignore-stdin', '--multipart', '--boundary', 'xoxo', `:${bin.port}/anything`, 'a=1', `f@${path.join(dir, 'about.txt')}`]),
      runCli(['--ignore-stdin', '--multipart', '--boundary', 'xoxo', `:${bin.port}/anything`, 'a=1', `f@${path.join(dir, 'about.txt')}`], { env: { XDG_CONFIG_HOME: dir } }),
    ]);
    const [a, b] = [JSON.parse(theirs.stdout) as Echo, JSON.parse(ours.out) as Echo];
    expect(b.headers['Content-Type']).toBe('multipart/form-data; boundary=xoxo');
    expect(b.headers['Content-Type']).toBe(a.headers['Content-Type']);
    expect(b.headers['Content-Length']).toBe(a.headers['Content-Length']);
    expect({ form: b.form, files: b.files }).toEqual({ form: a.form, files: a.files });
  });

  it('keeps -A digest credentials in the session, bound to their origin, and answers the next challenge with them', async () => {
    const env = { XDG_CONFIG_HOME: dir };
    const file = path.join(dir, 'digest.json');
    const url = `:${bin.port}/digest-auth/auth/user/pass`;
    const first = await runCli(['-I', '--session', file, '--check-status', '-A', 'digest', '-a', 'user:pass', url], { env });
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.out)).toMatchObject({ authenticated: true, user: 'user' });
    const saved = JSON.parse(await readFile(file, 'utf8')) as { state: { originAuth: unknown } };
    expect(saved.state.originAuth).toEqual({ [`http://localhost:${bin.port}`]: { type: 'digest', username: 'user', password: 'pass' } });
    const again = await runCli(['-I', '--session', file, '--check-status', url], { env });
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.out)).toMatchObject({ authenticated: true, user: 'user' });
    // Another origin (127.0.0.1 is not localhost) gets no answer to its challenge.
    const elsewhere = await runCli(['-I', '--session', file, '--check-status', `127.0.0.1:${bin.port}/digest-auth/auth/user/pass`], { env });
    expect(elsewhere.code).toBe(4);
    const show = await runCli(['session', 'show', file], { env });
    expect(show.out).not.toContain('"pass"');
    // Basic given later replaces the saved Digest credentials for the origin.
    expect((await runCli(['-I', '--session', file, '-a', 'user:pass', `:${bin.port}/basic-auth/user/pass`], { env })).code).toBe(0);
    expect((JSON.parse(await readFile(file, 'utf8')) as { state: { originAuth?: unknown } }).state.originAuth).toBeUndefined();
  });

  it('refuses data items together with a body on stdin, as HTTPie', async () => {
    const file = path.join(dir, 'body.json');
    await writeFile(file, '{"a": 1}');
    const r = await runCli([`:${bin.port}/anything`, 'b=2', '--raw', 'x'], { env: { XDG_CONFIG_HOME: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be mixed/);
  });
});
