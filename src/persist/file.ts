import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CookieJar } from '../cookies/index.js';
import { ACCEPT_ENCODING } from '../core/decode.js';
import { SessionFileError } from '../core/errors.js';
import { applyHeaders, checkHeader, type HeadersInit, type RequestHeaders } from '../core/headers.js';
import type { CsrfInit } from '../features/csrf/profiles.js';
import { DIR_MODE, removeLeftoverTemps, writeFileAtomic } from './atomic.js';
import { restoreCsrf, saveCsrf, savedCsrfProfile } from './csrf-state.js';
import { cookieRecords, jarFromJSON, jarToJSON, withCookies } from './jar-codec.js';
import { withFileLock, type LockOptions } from './lock.js';
import { chooseCredentials, restoreCredentials, restoreTokens, tokensToSave } from './login-state.js';
import { fingerprints, keyedObject, mergeEntries, type Keyed } from './merge.js';
import { boundNames, isOriginBoundHeader } from './origin-headers.js';
import { emptyDocument, parseSessionDocument, type LoginRecord, type SessionDocument } from './schema.js';
import type { Baseline, PersistedParts } from './state.js';

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
  /**
   * How to log in again (URL, user, CSRF profile; the CLI's `sessio login` writes one), kept in the
   * file's `login` field from now on; `null` removes it. Default: what the loaded file had.
   */
  login?: LoginRecord | null;
}

/** The features' entries of a file's `state`, each saved and restored by its own code. */
export const STATE: Readonly<Record<string, { save(parts: PersistedParts): unknown; restore(parts: PersistedParts, value: unknown): void }>> = {
  csrf: { save: saveCsrf, restore: restoreCsrf },
  credentials: { save: (parts) => parts.saved.credentials, restore: restoreCredentials },
  originHeaders: { save: (parts) => parts.saved.originHeaders.save(), restore: (parts, value) => parts.saved.originHeaders.restore(value) },
  originAuth: { save: (parts) => parts.saved.originAuth.save(), restore: (parts, value) => parts.saved.originAuth.restore(value) },
};

/** What a loaded file needs of the session options: the ones a session is made with. */
export interface LoadInit {
  cookies?: CookieJar;
  baseUrl?: string | URL;
  headers?: HeadersInit | undefined;
  sensitiveHeaders?: readonly string[];
  csrf?: CsrfInit;
}

/** Makes the session for a loaded file and returns it with the parts it hands to persistence. */
export type CreateSession<S, I extends LoadInit> = (init: I) => { session: S; parts: PersistedParts };

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
export async function saveSession(parts: PersistedParts, file: string, options: SaveOptions = {}): Promise<void> {
  const path = resolve(file);
  chooseCredentials(parts, options.includeCredentials);
  if (options.login !== undefined) parts.saved.login = options.login === null ? undefined : { ...options.login };
  // The lock lives next to the file: its folder has to exist before the lock can.
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  await withFileLock(path, async () => {
    await removeLeftoverTemps(path);
    const disk = await readSessionFile(path);
    // A file that load() would refuse is never rewritten (downgraded, or its damage saved as ours).
    if (disk) checkLoadable(path, disk);
    const ours = snapshot(parts);
    const merged = disk ? merge(parts.saved.baselines?.get(path), ours, disk) : ours;
    merged.savedAt = new Date().toISOString();
    await writeFileAtomic(path, `${JSON.stringify(merged, null, 2)}\n`);
    // The base is what *this session* held: entries merged in from disk but absent from our jar
    // must not look like our deletions at the next save.
    rememberBaseline(parts, path, ours);
  }, options.lock);
}

/**
 * Builds a session from `file`: cookies (each bound to its domain), default headers, base URL, login
 * record, tokens and feature state (CSRF tokens…). `init` overrides what the file says. A token login
 * given in `init.login` takes the saved tokens when they were issued by its endpoint for its origins,
 * and then needs no login until they expire. `create` returns the session.
 */
export async function loadSession<S, I extends LoadInit>(file: string, init: I, create: CreateSession<S, I>): Promise<S> {
  const path = resolve(file);
  const doc = await readSessionFile(path);
  if (!doc) throw new SessionFileError(path, 'does not exist. Save a session there first (or check the name).', { code: 'ERR_SESSION_FILE_MISSING' });
  return sessionFromDocument(path, doc, init, create);
}

/** A session from an already-read document (the CLI reads once, then builds). */
export function sessionFromDocument<S, I extends LoadInit>(path: string, doc: SessionDocument, init: I, create: CreateSession<S, I>): S {
  const cookies = init.cookies ?? readJar(path, doc.cookies);
  const { everywhere, secret } = splitHeaders(doc.headers);
  // Saved secrets are redacted like Authorization and dropped on cross-origin redirects.
  const sensitiveHeaders = [...(init.sensitiveHeaders ?? []), ...boundNames(doc.state.originHeaders), ...Object.keys(secret)];
  let made: ReturnType<CreateSession<S, I>>;
  try {
    made = create({ ...stateOptions(doc), ...init, cookies, baseUrl: init.baseUrl ?? doc.baseUrl, headers: everywhere, ...(sensitiveHeaders.length && { sensitiveHeaders }) });
  } catch (err) {
    // A header with CR/LF or a bad base URL in the file: the file's fault, not the caller's.
    throw unusableSetting(path, err);
  }
  const { session, parts } = made;
  if (init.headers) applyHeaders(parts.headers, init.headers);
  bindLegacySecrets(parts, doc.baseUrl, secret);
  if (doc.login) parts.saved.login = { ...doc.login };
  if (doc.tokens) parts.saved.tokens = { ...doc.tokens };
  if (doc.tokens) restoreTokens(parts, doc.tokens);
  for (const [name, entry] of Object.entries(STATE)) {
    if (Object.prototype.hasOwnProperty.call(doc.state, name)) entry.restore(parts, doc.state[name]);
  }
  rememberBaseline(parts, path, doc);
  return session;
}

/** The jar of a file's `cookies`; a newer jar schema or a damaged record is a {@link SessionFileError}. */
function readJar(path: string, json: unknown): CookieJar {
  try {
    return jarFromJSON(json);
  } catch (err) {
    const newer = (err as { code?: string }).code === 'ERR_COOKIE_JAR_SCHEMA_VERSION';
    throw new SessionFileError(path, `${newer ? 'its cookie jar is from a newer sessio' : 'its cookie jar is damaged'} (${(err as Error).message}). It was left untouched.`,
      { code: newer ? 'ERR_SESSION_FILE_VERSION' : 'ERR_SESSION_FILE_CORRUPT', cause: err });
  }
}

/** A header with CR/LF or a bad base URL in the file: the file's fault, not the caller's. */
function unusableSetting(path: string, err: unknown): SessionFileError {
  return new SessionFileError(path, `holds a setting that cannot be used (${(err as Error).message}). It was left untouched; fix or delete it.`, { code: 'ERR_SESSION_FILE_CORRUPT', cause: err });
}

/** Throws the {@link SessionFileError} load() would for this document's jar or headers. */
function checkLoadable(path: string, doc: SessionDocument): void {
  readJar(path, doc.cookies);
  for (const [name, value] of Object.entries(doc.headers)) {
    try {
      for (const v of Array.isArray(value) ? value : [value]) checkHeader(name, v);
    } catch (err) {
      throw unusableSetting(path, err);
    }
  }
}

/** What this session holds, as a document. */
export function snapshot(parts: PersistedParts): SessionDocument {
  const doc = emptyDocument();
  if (parts.baseUrl !== undefined) doc.baseUrl = String(parts.baseUrl);
  const { everywhere, secret } = splitHeaders(ownHeaders(parts.headers));
  doc.headers = everywhere;
  doc.cookies = jarToJSON(parts.cookies);
  if (parts.saved.login) doc.login = { ...parts.saved.login };
  const tokens = tokensToSave(parts);
  if (tokens) doc.tokens = tokens;
  for (const [name, entry] of Object.entries(STATE)) {
    const value = entry.save(parts);
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
function bindLegacySecrets(parts: PersistedParts, baseUrl: string | undefined, secret: Record<string, string | string[]>): void {
  if (baseUrl === undefined) return;
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(secret)) {
    try {
      parts.saved.originHeaders.bind(origin, name, value);
    } catch {
      // not sendable (CR/LF): dropped
    }
  }
}

/** Options the saved state needs (the `csrf` profile its tokens were learned with), for those `init` leaves out. */
function stateOptions(doc: SessionDocument): Pick<LoadInit, 'csrf'> {
  const csrf = Object.prototype.hasOwnProperty.call(doc.state, 'csrf') ? savedCsrfProfile(doc.state.csrf) : undefined;
  return csrf === undefined ? {} : { csrf };
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

function rememberBaseline(parts: PersistedParts, path: string, doc: SessionDocument): void {
  (parts.saved.baselines ??= new Map()).set(path, {
    cookies: fingerprints(keyedCookies(doc.cookies)),
    headers: fingerprints(keyedObject(doc.headers)),
    state: fingerprints(keyedObject(doc.state)),
    scalars: fingerprints(keyedObject(scalars(doc))),
  });
}
