/**
 * Shared by the packaging tests: the repository root, a subprocess runner that never throws (the test
 * wants to show the child's stderr in its assertion), and a throwaway directory.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The project's own TypeScript compiler: consumers are type-checked with the version we develop with. */
export const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` in `cwd`, killed after `timeoutMs`; resolves with its exit code and output. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr: err && code === null ? `${stderr}\n${err.message}` : stderr });
    });
  });
}

/** A fresh directory under the OS temp dir; the caller removes it. */
export function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `sessio-${label}-`));
}

/** Output of a failed child, for an assertion message. */
export function describeRun(what: string, r: Ran): string {
  return `${what} exited ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}
