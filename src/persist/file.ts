import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CookieJar } from '../cookies/index.js';
import { ACCEPT_ENCODING } from '../core/decode.js';
import { SessionFileError } from '../core/errors.js';
import { applyHeaders, type RequestHeaders } from '../core/headers.js';
import type { Session, SessionInit } from '../session/session.js';
import { writeFileAtomic } from './atomic.js';
import { autosaveOptions } from './autosave.js';
import { cookieRecords, jarFromJSON, jarToJSON, withCookies } from './jar-codec.js';
import { withFileLock, type LockOptions } from './lock.js';
import { fingerprints, keyedObject, mergeEntries, type Fingerprints, type Keyed } from './merge.js';
import { emptyDocument, parseSessionDocument, type SessionDocument } from './schema.js';
import { getSessionLogin, setSessionLogin, setSessionTokens, stateHandlers } from './state.js';
import { chooseCredentials, restoreTokens, tokensToSave } from './login-state.js';
import './csrf-state.js';
import { bindHeader, boundNames, isOriginBoundHeader } from './origin-headers.js';

/** Options of `session.save()`. */
export interface SaveOptions {
  /** How long to wait for another process's lock on the file (default 10 s). */
  lock?: LockOptions;
  /**
   * Also save the login's secrets (password, client secret) so the file alone can log in again.
   * Default: the last choice for this session (a file loaded with them keeps them; else not saved).
   * `false` removes them from the file. Tokens (access, refresh) are always saved.
   */
  includeCredentials?: boolean;
}

/** What this process last read from or wrote to a file, per session: the base of the three-way merge. */
interface Baseline {
  cookies: Fingerprints;
  headers: Fingerprints;
  state: Fingerprints;
  scalars: Fingerprints;
}

const baselines = new WeakMap<Session, Map<string, Baseline>>();

/** Reads and validates a session file; undefined when it does not exist. The file is never changed. */
export async function readSessionFile(file: string): Promise<SessionDocument | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SessionFileError(file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check that it is yours and readable.`, { code: 'ERR_SESSION_FILE_READ', cause: err });
  }
  return parseSessionDocument(file, text);
}

/**
 * Saves the session to `file`: under `<file>.lock`, re-reads the file, merges it three-way with what
 * this session holds (see merge.ts: no cookie another process saved meanwhile is lost), and writes
 * the result atomically with mode 0600. A corrupt or newer-schema file is refused and left as is.
 */
export async function saveSession(session: Session, file: string, options: SaveOptions = {}): Promise<void> {
  const path = resolve(file);
  chooseCredentials(session, options.includeCredentials);
  await withFileLock(path, async () => {
    const disk = await readSessionFile(path);
    const ours = snapshot(session);
    const merged = disk ? merge(baselineOf(session, path), ours, disk) : ours;
    merged.savedAt = new Date().toISOString();
    await writeFileAtomic(path, `${JSON.stringify(merged, null, 2)}\n`);
    // The base is what *this session* held: entries merged in from disk but absent from our jar
    // must not look like our deletions at the next save.
    rememberBaseline(session, path, ours);
  }, options.lock);
}

/**
 * Builds a session from `file`: cookies (each bound to its domain), default headers, base URL, login
 * record, tokens and feature state (CSRF tokens…). `init` overrides what the file says. A token login
 * given in `init.login` takes the saved tokens when they were issued by its endpoint for its origins,
 * and then needs no login until they expire. `create` returns the session.
 */
export async function loadSession(file: string, init: SessionInit, create: (init: SessionInit) => Session): Promise<Session> {
  const path = resolve(file);
  const doc = await readSessionFile(path);
  if (!doc) throw new SessionFileError(path, 'does not exist. Save a session there first (or check the name).', { code: 'ERR_SESSION_FILE_MISSING' });
  return sessionFromDocument(path, doc, init, create);
}

/** A session from an already-read document (the CLI reads once, then builds). */
export function sessionFromDocument(path: string, doc: SessionDocument, init: SessionInit, create: (init: SessionInit) => Session): Session {
  let cookies: CookieJar;
  try {
    cookies = init.cookies ?? jarFromJSON(doc.cookies);
  } catch (err) {
    const newer = (err as { code?: string }).code === 'ERR_COOKIE_JAR_SCHEMA_VERSION';
    throw new SessionFileError(path, `${newer ? 'its cookie jar is from a newer sessio' : 'its cookie jar is damaged'} (${(err as Error).message}). It was left untouched.`,
      { code: newer ? 'ERR_SESSION_FILE_VERSION' : 'ERR_SESSION_FILE_CORRUPT', cause: err });
  }
  const autosave = autosaveOptions(init.autosave, path);
  const { everywhere, secret } = splitHeaders(doc.headers);
  // Saved secrets are redacted like Authorization and dropped on cross-origin redirects.
  const sensitiveHeaders = [...(init.sensitiveHeaders ?? []), ...boundNames(doc.state.originHeaders), ...Object.keys(secret)];
  let session: Session;
  try {
    session = create({ ...stateOptions(doc), ...init, cookies, baseUrl: init.baseUrl ?? doc.baseUrl, headers: everywhere, autosave, ...(sensitiveHeaders.length && { sensitiveHeaders }) });
  } catch (err) {
    // A header with CR/LF or a bad base URL in the file: the file's fault, not the caller's.
    throw new SessionFileError(path, `holds a setting that cannot be used (${(err as Error).message}). It was left untouched; fix or delete it.`, { code: 'ERR_SESSION_FILE_CORRUPT', cause: err });
  }
  if (init.headers) applyHeaders(session.headers, init.headers);
  bindLegacySecrets(session, doc.baseUrl, secret);
  if (doc.login) setSessionLogin(session, doc.login);
  if (doc.tokens) setSessionTokens(session, doc.tokens);
  if (doc.tokens) restoreTokens(session, doc.tokens);
  for (const [name, handler] of stateHandlers()) {
    if (Object.prototype.hasOwnProperty.call(doc.state, name)) handler.restore(session, doc.state[name]);
  }
  rememberBaseline(session, path, doc);
  return session;
}

/** What this session holds, as a document. */
export function snapshot(session: Session): SessionDocument {
  const doc = emptyDocument();
  if (session.config.baseUrl !== undefined) doc.baseUrl = String(session.config.baseUrl);
  const { everywhere, secret } = splitHeaders(ownHeaders(session.headers));
  doc.headers = everywhere;
  doc.cookies = jarToJSON(session.cookies);
  const login = getSessionLogin(session);
  if (login) doc.login = login;
  const tokens = tokensToSave(session);
  if (tokens) doc.tokens = tokens;
  for (const [name, handler] of stateHandlers()) {
    const value = handler.save(session);
    if (value !== undefined) doc.state[name] = value;
  }
  bindOnSave(doc, secret);
  return doc;
}

/**
 * Default headers split into those sent everywhere and the secret ones (Authorization, Cookie,
 * X-Api-Key, *-Token…), which a session file only keeps bound to an origin (`state.originHeaders`).
 */
function splitHeaders(headers: Record<string, string | string[]>): { everywhere: Record<string, string | string[]>; secret: Record<string, string | string[]> } {
  const everywhere: Record<string, string | string[]> = {};
  const secret: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) (isOriginBoundHeader(k) ? secret : everywhere)[k] = v;
  return { everywhere, secret };
}

/**
 * A secret header set on `session.headers` in memory is saved bound to the `baseUrl` origin, the
 * only origin it can be known to be meant for; without a `baseUrl` it is not saved at all.
 */
function bindOnSave(doc: SessionDocument, secret: Record<string, string | string[]>): void {
  if (doc.baseUrl === undefined || Object.keys(secret).length === 0) return;
  const origin = new URL(doc.baseUrl).origin;
  const all = { ...(doc.state.originHeaders as Record<string, Record<string, string | string[]>> | undefined) };
  all[origin] = { ...all[origin], ...secret };
  doc.state.originHeaders = all;
}

/** Secret headers of an older file (top-level `headers`): bound to the file's `baseUrl` origin, else dropped. */
function bindLegacySecrets(session: Session, baseUrl: string | undefined, secret: Record<string, string | string[]>): void {
  if (baseUrl === undefined) return;
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(secret)) {
    try {
      bindHeader(session, origin, name, value);
    } catch {
      // not sendable (CR/LF): dropped
    }
  }
}

/** Options the saved features need (their `options` hook), for those `init` leaves out. */
function stateOptions(doc: SessionDocument): Partial<SessionInit> {
  const out: Partial<SessionInit> = {};
  for (const [name, handler] of stateHandlers()) {
    if (!handler.options || !Object.prototype.hasOwnProperty.call(doc.state, name)) continue;
    Object.assign(out, handler.options(doc.state[name]));
  }
  return out;
}

/** The session's headers minus sessio's own defaults, which a newer sessio may change. */
function ownHeaders(headers: RequestHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k === 'user-agent' && typeof v === 'string' && v.startsWith('sessio/')) continue;
    if ((k === 'accept' && v === '*/*') || (k === 'accept-encoding' && v === ACCEPT_ENCODING)) continue;
    out[k] = v;
  }
  return out;
}

function scalars(doc: SessionDocument): Record<string, unknown> {
  return { baseUrl: doc.baseUrl, login: doc.login, tokens: doc.tokens };
}

function keyedCookies(json: unknown): Keyed<Record<string, unknown>>[] {
  return cookieRecords(json).map((c) => ({ key: c.key, fingerprint: c.fingerprint, value: c.raw }));
}

function merge(base: Baseline | undefined, ours: SessionDocument, disk: SessionDocument): SessionDocument {
  const out = emptyDocument();
  out.cookies = withCookies(ours.cookies, mergeEntries(base?.cookies, keyedCookies(ours.cookies), keyedCookies(disk.cookies)));
  out.headers = Object.fromEntries(mergeEntries(base?.headers, keyedObject(ours.headers), keyedObject(disk.headers))) as SessionDocument['headers'];
  out.state = Object.fromEntries(mergeEntries(base?.state, keyedObject(ours.state), keyedObject(disk.state)));
  const s = Object.fromEntries(mergeEntries(base?.scalars, keyedObject(scalars(ours)), keyedObject(scalars(disk))));
  if (s.baseUrl !== undefined) out.baseUrl = s.baseUrl as string;
  if (s.login !== undefined) out.login = s.login as SessionDocument['login'];
  if (s.tokens !== undefined) out.tokens = s.tokens as SessionDocument['tokens'];
  return out;
}

function baselineOf(session: Session, path: string): Baseline | undefined {
  return baselines.get(session)?.get(path);
}

function rememberBaseline(session: Session, path: string, doc: SessionDocument): void {
  let byFile = baselines.get(session);
  if (!byFile) baselines.set(session, (byFile = new Map()));
  byFile.set(path, {
    cookies: fingerprints(keyedCookies(doc.cookies)),
    headers: fingerprints(keyedObject(doc.headers)),
    state: fingerprints(keyedObject(doc.state)),
    scalars: fingerprints(keyedObject(scalars(doc))),
  });
}
