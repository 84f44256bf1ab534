import { chmod, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CookieJar, readSessionFile, redactHeaders, REDACTED, type SerializedCookie, type SessionDocument } from '../index.js';
import { UsageError } from './errors.js';

/** Owner-only, as the library keeps session files (0600 files in 0700 directories). */
const DIR_MODE = 0o700;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** `$XDG_CONFIG_HOME/sessio/sessions`, or `~/.config/sessio/sessions`. */
export function sessionsDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'sessio', 'sessions');
}

/** A session argument: a path when it has a slash or ends in `.json`, else a name in the sessions directory. */
export function sessionPath(arg: string, env: NodeJS.ProcessEnv): string {
  if (arg.includes('/') || arg.includes('\\') || arg.endsWith('.json')) return resolve(arg);
  if (!NAME.test(arg) || arg.includes('..')) throw new UsageError(`${JSON.stringify(arg)} is not a valid session name`, 'use letters, digits, ".", "_" and "-", or give a path such as ./s.json');
  return join(sessionsDir(env), `${arg}.json`);
}

/** Creates the sessions directory owner-only (0700), and tightens it if it exists. */
export async function ensureSessionsDir(env: NodeJS.ProcessEnv): Promise<void> {
  const dir = sessionsDir(env);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(join(dir, '..'), DIR_MODE).catch(() => undefined);
  await chmod(dir, DIR_MODE);
}

/** A summary line per saved session. */
export async function listSessions(env: NodeJS.ProcessEnv): Promise<{ dir: string; rows: string[][] }> {
  const dir = sessionsDir(env);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const rows: string[][] = [];
  for (const f of names) {
    const path = join(dir, f);
    const info = await stat(path);
    let detail: string[];
    try {
      const doc = await readSessionFile(path);
      const cookies = cookiesOf(doc);
      const hosts = [...new Set(cookies.map((c) => c.domain))];
      detail = [`${cookies.length} cookie${cookies.length === 1 ? '' : 's'}`, hosts.join(',') || '-', doc?.login ? `login ${[doc.login.kind ?? 'form', doc.login.username ?? doc.login.options?.clientId].filter(Boolean).join(' ')}` : ''];
    } catch (err) {
      detail = ['unreadable', (err as { code?: string }).code ?? 'error', ''];
    }
    rows.push([f.slice(0, -5), info.mtime.toISOString().slice(0, 16).replace('T', ' '), ...detail]);
  }
  return { dir, rows };
}

/** The document with every secret replaced: cookie values, sensitive headers, password, tokens, state values. */
export function redactDocument(doc: SessionDocument): unknown {
  const cookies = cookiesOf(doc).map((c) => ({ ...c, value: REDACTED }));
  return {
    ...doc,
    headers: redactHeaders(doc.headers),
    cookies,
    ...(doc.login && { login: {
      ...doc.login,
      ...(doc.login.password !== undefined && { password: REDACTED }),
      ...(doc.login.clientSecret !== undefined && { clientSecret: REDACTED }),
    } }),
    // The tokens are secrets; where they go, their kind and expiry are not.
    ...(doc.tokens && { tokens: { ...doc.tokens, ...(doc.tokens.access !== undefined && { access: REDACTED }), ...(doc.tokens.refresh !== undefined && { refresh: REDACTED }) } }),
    state: redactState(doc.state),
  };
}

/** Origin-bound headers keep their scheme visible (`Bearer [REDACTED]`); every other state string is hidden. */
function redactState(state: Record<string, unknown>): unknown {
  const out = redactLeaves(state) as Record<string, unknown>;
  const bound = state.originHeaders;
  if (bound !== null && typeof bound === 'object' && !Array.isArray(bound)) {
    out.originHeaders = Object.fromEntries(Object.entries(bound as Record<string, unknown>).map(([origin, headers]) => [origin,
      headers !== null && typeof headers === 'object' && !Array.isArray(headers) && Object.values(headers).every((v) => typeof v === 'string' || Array.isArray(v))
        ? redactHeaders(headers as Record<string, string | string[]>)
        : redactLeaves(headers)]));
  }
  return out;
}

function redactLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactLeaves);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
  return typeof value === 'string' ? REDACTED : value;
}

/** The saved cookies of a session file, through the jar's own schema check. */
export function cookiesOf(doc: SessionDocument | undefined): SerializedCookie[] {
  return doc?.cookies === undefined || doc.cookies === null ? [] : CookieJar.fromJSON(doc.cookies).toJSON().cookies;
}

/** Deletes a saved session; false when there was none. */
export async function removeSession(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
