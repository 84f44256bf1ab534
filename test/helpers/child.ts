// Stopping a server the tests started: its own quick-shutdown signal first, SIGKILL if it lingers, so a
// stuck server can never hold a test run open.
import type { ChildProcess } from 'node:child_process';

/** Sends `signal` and resolves when the child has exited, killing it after `graceMs`. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
