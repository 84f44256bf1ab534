import type { LoginRecord } from '../index.js';
import type { Command } from './args.js';
import { UsageError } from './errors.js';
import { write, type Io } from './io.js';
import { networkInit, openSession, persist } from './open.js';
import { PASSWORD_ENV, promptPassword, readStdinPassword } from './password.js';
import { expandUrl } from './target.js';

type LoginCommand = Extract<Command, { kind: 'login' }>;

/** `sessio login URL --user NAME`: form login (CSRF field included), saved to the session. */
export async function runLogin(cmd: LoginCommand, io: Io): Promise<number> {
  const v = cmd.values;
  const url = expandUrl(cmd.url);
  if (url.startsWith('/')) throw new UsageError('login needs a full URL', 'e.g. sessio login :8080/login --user alice');
  const csrf = v.csrf;
  const network = networkInit(v); // checks --csrf and the other flags before any prompt or request
  const username = v.user!;
  const password = await obtainPassword(username, url, v['password-stdin'] ?? false, io);
  const record: LoginRecord = { url, username, ...(csrf && { csrf }), ...(v['save-password'] && { password }) };
  const name = v.session ?? 'default';
  const cli = await openSession({ ...v, session: name }, io.env, network, { ...record, password });
  try {
    await cli.session.login();
    await persist(cli, { login: record });
  } finally {
    await cli.session.close();
  }
  // As in HTTPie, a request uses a session only with --session: say which name to give it.
  if (!v.quiet) await write(io.stdout, `Logged in to ${new URL(url).origin} as ${username}; session saved to ${cli.file ?? 'Redis'} (use it with --session ${name})\n`);
  return 0;
}

async function obtainPassword(username: string, url: string, fromStdin: boolean, io: Io): Promise<string> {
  if (fromStdin) return readStdinPassword(io.stdin);
  const env = io.env[PASSWORD_ENV];
  if (env !== undefined && env !== '') return env;
  if (io.stdin.isTTY !== true) {
    throw new UsageError('no password: stdin is not a terminal', `set ${PASSWORD_ENV} or pipe it with --password-stdin`);
  }
  return promptPassword(`Password for ${username} at ${new URL(url).host}: `, io.stdin, io.stderr);
}
