import type { LoginKind, LoginRecord } from '../index.js';
import type { Command, Values } from './args.js';
import { UsageError } from './errors.js';
import { write, type Io } from './io.js';
import { CLIENT_SECRET_ENV, hasUser, isOAuth, loginRecord, type LoginSecrets } from './logins.js';
import { networkInit, openSession, persist } from './open.js';
import { PASSWORD_ENV, promptPassword, readStdinPassword } from './password.js';
import { isSharedSession } from './shared-session.js';
import { expandUrl } from './target.js';

type LoginCommand = Extract<Command, { kind: 'login' }>;

/**
 * `sessio login [KIND] URL`: a form login (CSRF field included), a JWT login or an OAuth 2 grant,
 * saved to the session with its non-secret options; the secrets only with --save-password.
 */
export async function runLogin(cmd: LoginCommand, io: Io): Promise<number> {
  const v = cmd.values;
  const url = expandUrl(cmd.url);
  if (url.startsWith('/')) throw new UsageError('login needs a full URL', 'e.g. sessio login :8080/login --user alice');
  const network = networkInit(v); // checks --csrf and the other flags before any prompt or request
  const record = loginRecord(cmd.login, url, v);
  // Redis holds the tokens but not the login record, and a later call has no login flags to rebuild it from.
  if (cmd.login !== 'form' && v.session !== undefined && isSharedSession(v.session)) {
    throw new UsageError(`a ${cmd.login} login cannot be kept in --session redis:// by the CLI: later calls could not use its token`, 'save it to a session file (--session NAME), or share it from code with redisState and the login');
  }
  const secrets = await obtainSecrets(cmd.login, record, v, io);
  // clientAuth is recorded only with a secret: a later call reads it as "this client needs one".
  if (secrets.clientSecret !== undefined) record.options = { clientAuth: 'basic', ...record.options };
  else if (record.options?.clientAuth !== undefined) delete record.options.clientAuth;
  const saved: LoginRecord = { ...record, ...(v['save-password'] && secrets) };
  const name = v.session ?? 'default';
  const cli = await openSession({ ...v, session: name }, io.env, network, { record: saved, secrets });
  try {
    await cli.session.login();
    await persist(cli, { login: saved });
  } finally {
    await cli.session.close();
  }
  // As in HTTPie, a request uses a session only with --session: say which name to give it.
  if (!v.quiet) await write(io.stdout, `Logged in to ${new URL(url).origin} ${who(record)}${tokenNote(record)}; session saved to ${cli.file ?? 'Redis'} (use it with --session ${name})\n`);
  return 0;
}

function who(record: LoginRecord): string {
  return record.username !== undefined ? `as ${record.username}` : `as client ${record.options?.clientId ?? ''}`;
}

/** Where a token login's token goes: the given origins, else the login URL's (there is no base URL here). */
function tokenNote(record: LoginRecord): string {
  if ((record.kind ?? 'form') === 'form') return '';
  const origins = record.options?.origins ?? [new URL(record.url).origin];
  return ` (${record.kind}; the token is sent only to ${origins.join(', ')}${record.options?.origins ? '' : '; --origin adds API origins'})`;
}

async function obtainSecrets(kind: LoginKind, record: LoginRecord, v: Values, io: Io): Promise<LoginSecrets> {
  if (v['password-stdin'] && v['client-secret-stdin']) throw new UsageError('--password-stdin and --client-secret-stdin cannot both read stdin', `give one in $${PASSWORD_ENV} or $${CLIENT_SECRET_ENV}`);
  if (v['password-stdin'] && !hasUser(kind)) throw new UsageError('--password-stdin: a client-credentials login has no password', 'pipe the client secret with --client-secret-stdin');
  const secrets: LoginSecrets = {};
  if (hasUser(kind)) secrets.password = await obtainPassword(record.username!, record.url, v['password-stdin'] ?? false, io);
  if (isOAuth(kind)) {
    const secret = v['client-secret-stdin'] ? await readStdinPassword(io.stdin, '--client-secret-stdin') : io.env[CLIENT_SECRET_ENV];
    if (secret !== undefined && secret !== '') secrets.clientSecret = secret;
  }
  return secrets;
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
