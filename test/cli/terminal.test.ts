/* eslint-disable no-control-regex -- these tests look for ANSI escape sequences on purpose */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.js';
import type { TestServer } from '../helpers/tls.js';
import { startEchoServer } from './helpers/echo.js';
import { CLI, runCli } from './helpers/run.js';
import { ensureTmux, runInTerminal, sh } from './helpers/tmux.js';

let server: TestServer<http.Server>;
let dir: string;

beforeAll(async () => {
  await ensureTmux();
  server = await startEchoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-tty-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The CLI as a sh command line run in `dir`, with a clean colour environment. */
function cliLine(args: string[]): string {
  return `cd ${sh(dir)} && env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color XDG_CONFIG_HOME=${sh(dir)} ${sh(process.execPath)} ${[...CLI, ...args].map(sh).join(' ')}`;
}

describe('in a terminal', { timeout: 120_000 }, () => {
  it('colours the status line, header names and pretty JSON', async () => {
    const { screen, code } = await runInTerminal(cliLine([`${server.url}/status/201`]));
    expect(code).toBe(0);
    const plain = screen.replace(/\x1b\[[\d;]*m/g, '');
    expect(plain).toMatch(/HTTP\/1\.1 201 Created/);
    expect(plain).toContain('{\n    "status": 201\n}');
    expect(screen).toMatch(/\x1b\[[\d;]*32m[^\n]*201 Created/); // green 2xx status
    expect(screen).toMatch(/\x1b\[[\d;]*36m(?:\x1b\[[\d;]*m)*content-type/); // cyan header name (tmux may add a background reset)
    expect(screen).toMatch(/\x1b\[[\d;]*34m"status"/); // blue JSON key
  });

  it('shows a progress bar on stderr while downloading, and writes the file', async () => {
    const { screen, code } = await runInTerminal(cliLine(['--download', `${server.url}/file`]));
    expect(code).toBe(0);
    const plain = screen.replace(/\x1b\[[\d;]*[A-Za-z]/g, '');
    expect(plain).toContain('Downloading 262 kB to "report.bin"');
    expect(plain).toMatch(/100% \[=+\] 262 kB\/262 kB +[\d.]+ [kMG]?B\/s {2}in \d\d:\d\d/);
    expect(plain).toContain('Saved 262144 bytes to "report.bin"');
    expect((await stat(path.join(dir, 'report.bin'))).size).toBe(262144);
  });

  it('prompts for the login password without echoing it', async () => {
    const demo = await startDemoServer();
    try {
      const { screen, code } = await runInTerminal(cliLine(['login', `${demo.url}/login`, '--user', 'alice', '--session', 'tty']), { answer: { prompt: 'Password for alice at', keys: 'secret' } });
      expect(code).toBe(0);
      expect(screen).toContain(`Password for alice at 127.0.0.1:${demo.port}:`);
      expect(screen).toContain('Logged in to');
      expect(screen).not.toContain('secret');
      expect(demo.logins).toBe(1);
    } finally {
      await demo.close();
    }
  });

  it('prompts for the -a password when only the user is given, as HTTPie', async () => {
    const { screen, code } = await runInTerminal(cliLine(['-a', 'ann', '-b', `${server.url}/echo`]), { answer: { prompt: 'http: password for ann@', keys: 'pw42' } });
    expect(code).toBe(0);
    expect(screen).toContain(`http: password for ann@127.0.0.1:${server.port}:`);
    expect(screen).not.toContain('pw42');
    expect(screen).toContain(Buffer.from('ann:pw42').toString('base64'));
  });

  it('stays quiet on stderr when it is not a terminal: --download writes to the piped stdout, -o never adds a suffix', async () => {
    const cwd = await mkdtemp(path.join(dir, 'quiet-'));
    // HTTPie: with stdout redirected and no --output, the download goes to stdout.
    const piped = await runCli(['--download', `${server.url}/file`], { cwd, env: { XDG_CONFIG_HOME: dir } });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    expect(piped.stdout.length).toBe(262144);
    expect(piped.stdout[262143]).toBe(15);
    await expect(stat(path.join(cwd, 'report.bin'))).rejects.toThrow();
    const out = path.join(cwd, 'out.bin');
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['--download', '-o', out, `${server.url}/file`], { cwd, env: { XDG_CONFIG_HOME: dir } });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.out).toBe('');
    }
    expect((await stat(out)).size).toBe(262144);
    await expect(stat(`${out}-1`)).rejects.toThrow();
  });
});
