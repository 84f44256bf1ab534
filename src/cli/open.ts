import { readFileSync } from 'node:fs';
import { CSRF_PROFILES, readSessionFile, Session, type LoginRecord, type SaveOptions, type SessionInit, type TLSOptions } from '../index.js';
import type { Values } from './args.js';
import { UsageError } from './errors.js';
import { CLIENT_SECRET_ENV, loginStrategy, missingSecrets, type LoginSecrets } from './logins.js';
import { PASSWORD_ENV } from './password.js';
import { ensureSessionsDir, sessionPath, sessionsDir } from './sessions.js';
import { isSharedSession, parseSharedSession } from './shared-session.js';

/** A session for one CLI run, and the file it is saved to (when `--session` was given). */
export interface CliSession {
  session: Session;
  file: string | undefined;
  login: LoginRecord | undefined;
  /** Whether automatic re-login is armed (every secret was at hand). */
  relogin: boolean;
  /** The environment variables that would arm it, when it is not. */
  missing: string[];
  /** --session-read-only: the file is read, never written. */
  readOnly: boolean;
}

/** Session options from the network flags: timeout, proxy, TLS, redirects. */
export function networkInit(values: Values): SessionInit {
  // Redirects are chosen per request (runRequest): login flows inside the library must follow them.
  const init: SessionInit = {};
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!(seconds > 0)) throw new UsageError(`--timeout ${JSON.stringify(values.timeout)} is not a positive number of seconds`, 'e.g. --timeout 2.5');
    init.timeout = { connect: seconds * 1000, response: seconds * 1000 };
  }
  if (values['max-redirects'] !== undefined) {
    const n = Number(values['max-redirects']);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-redirects ${JSON.stringify(values['max-redirects'])} is not a whole number`, 'e.g. --max-redirects 5');
    init.maxRedirects = n;
  }
  if (values.proxy !== undefined) {
    try {
      new URL(values.proxy);
    } catch {
      throw new UsageError(`--proxy ${JSON.stringify(values.proxy.replace(/\/\/[^/@]*@/, '//'))} is not a URL`, 'e.g. --proxy http://127.0.0.1:3128');
    }
    init.proxy = values.proxy;
  }
  const tls = tlsInit(values);
  if (tls) init.tls = tls;
  if (values.csrf !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(CSRF_PROFILES, values.csrf)) {
      throw new UsageError(`--csrf ${JSON.stringify(values.csrf)} is not a known profile`, `use one of ${Object.keys(CSRF_PROFILES).join(', ')}`);
    }
    init.csrf = values.csrf as keyof typeof CSRF_PROFILES;
  }
  return init;
}

function tlsInit(values: Values): TLSOptions | undefined {
  const tls: TLSOptions = {};
  const verify = values.verify?.toLowerCase();
  if (verify === 'no' || verify === 'false') tls.rejectUnauthorized = false;
  else if (verify !== undefined && verify !== 'yes' && verify !== 'true') tls.ca = readPem(values.verify!, '--verify');
  if (values.ca !== undefined) tls.ca = readPem(values.ca, '--ca');
  // --cert holds the certificate, and the key too unless --cert-key gives it (as HTTPie and requests).
  if (values.cert !== undefined) {
    tls.cert = readPem(values.cert, '--cert');
    tls.key = values['cert-key'] !== undefined ? readPem(values['cert-key'], '--cert-key') : tls.cert;
    if (values['cert-key-pass'] !== undefined) tls.passphrase = values['cert-key-pass'];
  } else if (values['cert-key'] !== undefined) throw new UsageError('--cert-key needs --cert', 'give the client certificate with --cert FILE');
  return Object.keys(tls).length ? tls : undefined;
}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${JSON.stringify(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, flag === '--ca' || flag === '--verify' ? 'give a PEM file with the CA certificate' : 'give a PEM file');
  }
}

/** The login `sessio login` just made: its record (saved) and its secrets (saved only on opt-in). */
export interface FreshLogin {
  record: LoginRecord;
  secrets: LoginSecrets;
}

/**
 * Opens the `--session` file (or a fresh session). When the file has a login, the session gets the
 * library's login for it: a form login only when a password is at hand (saved with --save-password,
 * or $SESSIO_PASSWORD), so that an expired server session is logged in again and the request
 * replayed; a token login always, so that its saved tokens are used and refreshed.
 */
export async function openSession(values: Values & { readOnly?: boolean }, env: NodeJS.ProcessEnv, init: SessionInit, fresh?: FreshLogin): Promise<CliSession> {
  const readOnly = values.readOnly ?? false;
  if (values.session === undefined) return opened(new Session(withLogin(init, fresh?.record, fresh?.secrets ?? {})), undefined, fresh?.record, fresh?.secrets ?? {}, false);
  if (isSharedSession(values.session)) {
    // The state (cookies, tokens, CSRF) is in Redis; a login record is not, so re-login needs the flags again.
    const { redisState } = await import('../redis.js');
    const shared = redisState({ ...parseSharedSession(values.session), timeout: 5_000 });
    const secrets = fresh?.secrets ?? secretsFrom(undefined, env);
    return opened(new Session({ ...withLogin(init, fresh?.record, secrets), shared }), undefined, fresh?.record, secrets, readOnly);
  }
  const file = sessionPath(values.session, env);
  if (file.startsWith(sessionsDir(env))) await ensureSessionsDir(env);
  const doc = await readSessionFile(file);
  const record = fresh?.record ?? doc?.login;
  const secrets = fresh?.secrets ?? secretsFrom(record, env);
  const full = withLogin(init, record, secrets, doc?.tokens?.refresh);
  const session = doc ? await Session.load(file, full) : new Session(full);
  return opened(session, file, record, secrets, readOnly);
}

function opened(session: Session, file: string | undefined, login: LoginRecord | undefined, secrets: LoginSecrets, readOnly: boolean): CliSession {
  const missing = login ? missingSecrets(login, secrets) : [];
  return { session, file, login, relogin: login !== undefined && missing.length === 0, missing, readOnly };
}

/** A saved login's secrets: the ones saved with it (--save-password), else the environment's. */
function secretsFrom(record: LoginRecord | undefined, env: NodeJS.ProcessEnv): LoginSecrets {
  return {
    password: record?.password ?? nonEmpty(env[PASSWORD_ENV]),
    clientSecret: record?.clientSecret ?? nonEmpty(env[CLIENT_SECRET_ENV]),
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function withLogin(init: SessionInit, record: LoginRecord | undefined, secrets: LoginSecrets, refreshToken?: string): SessionInit {
  if (!record) return init;
  // The session file keeps the CSRF tokens learned in earlier runs, with the page each came from: a
  // new process sends the saved token, or fetches a fresh one from that page when a login rotated it.
  const withCsrf = record.csrf ? { ...init, csrf: record.csrf as NonNullable<SessionInit['csrf']> } : init;
  const login = loginStrategy(record, secrets, refreshToken);
  return login ? { ...withCsrf, login } : withCsrf;
}

/** Saves the session when it has a file. */
export async function persist(cli: CliSession, options?: SaveOptions): Promise<void> {
  if (cli.file) await cli.session.save(cli.file, options);
}
