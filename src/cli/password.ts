import { UsageError } from './errors.js';

/** Environment variable read for the login password. */
export const PASSWORD_ENV = 'SESSIO_PASSWORD';

/** Reads all of stdin (for `--password-stdin` or `--client-secret-stdin`), without the final line break. */
export async function readStdinPassword(stdin: NodeJS.ReadStream, flag = '--password-stdin'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new UsageError(`${flag}: more than 64 KiB on stdin`, 'pipe just the secret');
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Prompts on stderr and reads a line from the terminal without echoing it (raw mode). Ctrl-C and
 * Ctrl-D cancel; Backspace edits.
 */
export function promptPassword(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new UsageError('login cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
