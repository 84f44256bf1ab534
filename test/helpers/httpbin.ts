/**
 * Real httpbin (Debian python3-httpbin, served by gunicorn) on 127.0.0.1 and an ephemeral port, and
 * the real HTTPie CLI (Debian httpie, /usr/bin/http), for differential tests of sessio's CLI.
 * scripts/test.sh installs both; when one is missing, `httpbinMissing()`/`httpieMissing()` say so and
 * the tests skip with that message printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stopChild } from './child.js';

/** Debian's python, which has the packages (a pyenv python first on PATH would not). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const HTTPIE = '/usr/bin/http';
const START_TIMEOUT_MS = 30_000;

/** Why httpbin cannot run here, or undefined when it can. */
export function httpbinMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import httpbin, gunicorn'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? undefined : `httpbin tests skipped: ${PYTHON} cannot import httpbin and gunicorn (apt-get install python3-httpbin gunicorn)`;
}

/** Why HTTPie cannot run here, or undefined when it can. */
export function httpieMissing(): string | undefined {
  return existsSync(HTTPIE) ? undefined : `HTTPie comparison skipped: ${HTTPIE} is missing (apt-get install httpie)`;
}

export interface Httpbin {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts gunicorn with httpbin on 127.0.0.1:0 and resolves once it says where it listens. */
export function startHttpbin(): Promise<Httpbin> {
  const child = spawn(PYTHON, ['-m', 'gunicorn', '--workers', '2', '--bind', '127.0.0.1:0', 'httpbin:app'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`gunicorn did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    const early = (code: number | null) => fail(new Error(`gunicorn exited (${code}):\n${log}`));
    child.on('exit', early);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (log.length < 64 * 1024) log += chunk;
      const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (!m) return;
      clearTimeout(timer);
      child.removeListener('exit', early);
      const port = Number(m[1]);
      // SIGINT is gunicorn's quick shutdown (SIGTERM waits for its workers up to 30 s).
      resolve({ url: `http://127.0.0.1:${port}`, port, close: () => stopChild(child, 'SIGINT') });
    });
  });
}


export interface HttpieResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `http` with the given arguments and stdin. */
export function runHttpie(args: string[], input = '', env: Record<string, string> = {}): Promise<HttpieResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(HTTPIE, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(input);
  });
}
