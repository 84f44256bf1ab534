// The versioned JSON document of a saved session. Parsing builds fresh objects field by field, so a
// hostile file cannot reach a prototype through keys like `__proto__`.
import { SessionFileError } from '../core/errors.js';

/** Identifies sessio's saved-session files. */
export const SESSION_FORMAT = 'sessio-session';
/** The schema version this release writes; files with a newer version are refused, never rewritten. */
export const SESSION_SCHEMA_VERSION = 1;

/** How to log in again: written by `sessio login` and by login helpers. The password only on opt-in. */
export interface LoginRecord {
  url: string;
  username: string;
  csrf?: string;
  /** Present only when the user chose to save it (`savePassword`). */
  password?: string;
}

/** Bearer tokens obtained by a token login, bound to the endpoint and origins that issued them. */
export interface TokenRecord {
  access?: string;
  refresh?: string;
  /** Expiry of the access token, ms since the epoch. */
  expiresAt?: number;
  /** The login's kind (`jwt`, `oauth2`…). */
  kind?: string;
  /** The login URL or token endpoint that issued them: a login for another endpoint does not take them. */
  url?: string;
  /** The only origins the access token is sent to after a load. */
  origins?: string[];
}

/** A saved session (schema version 1). */
export interface SessionDocument {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_SCHEMA_VERSION;
  /** ISO time of the last write. */
  savedAt: string;
  baseUrl?: string;
  /** The session's default headers (lower-case names) other than sessio's own defaults. */
  headers: Record<string, string | string[]>;
  /** The cookie jar's own versioned JSON (`CookieJar#toJSON()`): every cookie keeps its domain. */
  cookies: unknown;
  login?: LoginRecord;
  tokens?: TokenRecord;
  /** State of other features (CSRF tokens…) by feature name; see `registerSessionState`. */
  state: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function copyRecord(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isRecord(v)) for (const k of Object.keys(v)) out[k] = v[k];
  return { ...out };
}

/** Parses and validates the text of a session file; errors name the file and say what to do. */
export function parseSessionDocument(file: string, text: string): SessionDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, `not valid JSON (${(err as Error).message})`, err);
  }
  if (!isRecord(data) || own(data, 'format') !== SESSION_FORMAT) throw corrupt(file, `not a ${SESSION_FORMAT} document`);
  const version = own(data, 'version');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw corrupt(file, 'bad "version"');
  if (version > SESSION_SCHEMA_VERSION) {
    throw new SessionFileError(file, `written by a newer sessio (schema version ${version}; this one reads up to ${SESSION_SCHEMA_VERSION}). It was left untouched; upgrade sessio or use another file.`,
      { code: 'ERR_SESSION_FILE_VERSION' });
  }
  const headers = Object.create(null) as Record<string, string | string[]>;
  const rawHeaders = own(data, 'headers');
  if (rawHeaders !== undefined && !isRecord(rawHeaders)) throw corrupt(file, '"headers" is not an object');
  for (const [k, v] of Object.entries(rawHeaders ?? {})) {
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) headers[k.toLowerCase()] = v as string | string[];
    else throw corrupt(file, `header ${JSON.stringify(k)} is not a string`);
  }
  const baseUrl = own(data, 'baseUrl');
  if (baseUrl !== undefined && typeof baseUrl !== 'string') throw corrupt(file, '"baseUrl" is not a string');
  const doc: SessionDocument = {
    format: SESSION_FORMAT,
    version: SESSION_SCHEMA_VERSION,
    savedAt: String(own(data, 'savedAt') ?? ''),
    headers: { ...headers },
    cookies: own(data, 'cookies') ?? null,
    state: copyRecord(own(data, 'state')),
  };
  if (baseUrl !== undefined) doc.baseUrl = baseUrl;
  const login = parseLogin(file, own(data, 'login'));
  if (login) doc.login = login;
  const tokens = own(data, 'tokens');
  if (tokens !== undefined) {
    if (!isRecord(tokens)) throw corrupt(file, '"tokens" is not an object');
    doc.tokens = {};
    for (const k of ['access', 'refresh', 'kind', 'url'] as const) {
      const t = own(tokens, k);
      if (typeof t === 'string') doc.tokens[k] = t;
    }
    const expiresAt = own(tokens, 'expiresAt');
    if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) doc.tokens.expiresAt = expiresAt;
    const origins = own(tokens, 'origins');
    if (Array.isArray(origins)) doc.tokens.origins = origins.filter((o): o is string => typeof o === 'string');
  }
  return doc;
}

function parseLogin(file: string, v: unknown): LoginRecord | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v) || typeof own(v, 'url') !== 'string' || typeof own(v, 'username') !== 'string') throw corrupt(file, '"login" needs "url" and "username" strings');
  const login: LoginRecord = { url: own(v, 'url') as string, username: own(v, 'username') as string };
  const csrf = own(v, 'csrf');
  if (typeof csrf === 'string') login.csrf = csrf;
  const password = own(v, 'password');
  if (typeof password === 'string') login.password = password;
  return login;
}

function corrupt(file: string, what: string, cause?: unknown): SessionFileError {
  return new SessionFileError(file, `${what}. It was left untouched; fix or delete it (or save to another file).`, { code: 'ERR_SESSION_FILE_CORRUPT', cause });
}

/** A new empty document. */
export function emptyDocument(): SessionDocument {
  return { format: SESSION_FORMAT, version: SESSION_SCHEMA_VERSION, savedAt: new Date().toISOString(), headers: {}, cookies: null, state: {} };
}
