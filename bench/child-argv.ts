import { execFile } from 'node:child_process';

/** Node flags for a child process that runs one of the bench's .ts files. */
export const TS_CHILD_ARGV = ['--import', 'tsx'];

/**
 * Runs `node <args>` and resolves with the JSON of the last line it prints: the way the bench's cases
 * that need a process of their own report their result. `what` names the case in errors.
 */
export function runJsonChild<T>(args: string[], timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${what} failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${what} printed no result: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}
