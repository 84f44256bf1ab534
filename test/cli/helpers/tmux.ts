/**
 * Runs a command inside a real pseudo-terminal (tmux, from Debian; installed when missing) and
 * returns what the pane shows, escape sequences included. Each call uses its own tmux server socket,
 * killed afterwards, so nothing touches a user's tmux.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const DONE = '__SESSIO_DONE__';

/** Installs tmux with apt-get when it is not on PATH. */
export async function ensureTmux(): Promise<void> {
  try {
    await exec('tmux', ['-V']);
    return;
  } catch {
    // not installed: fall through
  }
  await exec('apt-get', ['update'], { timeout: 300_000 }).catch(() => undefined);
  await exec('apt-get', ['install', '-y', 'tmux'], { timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Single-quotes a word for sh. */
export const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `command` (a sh command line) in a 120x40 tmux pane; resolves with the pane's text (with
 * escapes, from `capture-pane -e`) once the command has finished, and its exit code.
 */
export async function runInTerminal(command: string, options: { timeoutMs?: number; answer?: { prompt: string; keys: string } } = {}): Promise<{ screen: string; code: number }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let answer = options.answer;
  const socket = `sessio-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => exec('tmux', ['-L', socket, ...args], { env: { ...process.env, TMUX: undefined } as NodeJS.ProcessEnv });
  await tmux('-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '40', '-s', 't', `${command}; echo ${DONE}$?; sleep 60`);
  try {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      const { stdout } = await tmux('capture-pane', '-p', '-e', '-J', '-t', 't');
      const m = new RegExp(`${DONE}(\\d+)`).exec(stdout);
      if (m) return { screen: stdout, code: Number(m[1]) };
      if (answer && stdout.includes(answer.prompt)) {
        // Typed like a user: the literal keys, then Enter.
        await tmux('send-keys', '-t', 't', '-l', answer.keys);
        await tmux('send-keys', '-t', 't', 'Enter');
        answer = undefined;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`command did not finish in the terminal within ${timeoutMs} ms`);
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
}
