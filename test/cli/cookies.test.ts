// `sessio cookies` and `sessio completion`, as subprocesses against the project's echo server.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/tls.js';
import { startEchoServer } from './helpers/echo.js';
import { runCli } from './helpers/run.js';

let server: TestServer<http.Server>;
let dir: string;
const env = () => ({ XDG_CONFIG_HOME: dir });

beforeAll(async () => {
  server = await startEchoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-cookies-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sessio cookies', { timeout: 180_000 }, () => {
  it('imports cookies.txt, lists what a URL gets and why the others are withheld, exports again', async () => {
    const file = path.join(dir, 'c.json');
    await runCli(['-I', '--session', file, `${server.url}/set?sid=abc`], { env: env() });
    const txt = path.join(dir, 'cookies.txt');
    await writeFile(txt, `127.0.0.1\tFALSE\t/admin\tFALSE\t0\tadm\tx\n#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tpref\tdark\n`);
    const imported = await runCli(['cookies', 'import', txt, '--session', file], { env: env() });
    expect(imported.out).toBe(`Imported 2 cookies into ${file}\n`);
    const list = await runCli(['cookies', `${server.url}/echo`, '--session', file], { env: env() });
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^sent +sid /m);
    expect(list.out).toMatch(/^sent +pref .*HttpOnly/m);
    expect(list.out).toMatch(/^withheld adm .*\n +path: Path=\/admin does not match \/echo/m);
    expect(list.out).not.toContain('abc'); // values are never listed
    const exported = await runCli(['cookies', 'export', '--session', file], { env: env() });
    expect(exported.out).toContain('127.0.0.1\tFALSE\t/admin\tFALSE\t0\tadm\tx');
    expect(exported.out).toContain('#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc');
    // JSON round trip into a second session, written owner-only with -o.
    const json = path.join(dir, 'jar.json');
    await runCli(['cookies', 'export', '--json', '-o', json, '--session', file], { env: env() });
    expect((await stat(json)).mode & 0o777).toBe(0o600);
    const second = path.join(dir, 'second.json');
    expect((await runCli(['cookies', 'import', json, '--session', second], { env: env() })).out).toBe(`Imported 3 cookies into ${second}\n`);
    expect(await readFile(second, 'utf8')).toContain('"adm"');
    const sent = JSON.parse((await runCli(['-I', '--session', second, `${server.url}/echo`], { env: env() })).out) as { headers: Record<string, string> };
    expect(sent.headers.cookie).toBe('sid=abc; pref=dark');
  });

  it('prints completion scripts that the shells accept', async () => {
    const bash = await runCli(['completion', 'bash']);
    expect(bash.out).toContain('complete -o default -F _sessio sessio');
    expect(bash.out).toContain('--ignore-stdin');
    expect(spawnSync('bash', ['-n'], { input: bash.out }).status).toBe(0);
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.out).toMatch(/^#compdef sessio/);
    expect((await runCli(['completion', 'fish'])).stderr).toMatch(/bash or zsh/);
  });
});
