// The versioned JSON document of a saved session. Parsing builds fresh objects field by field, so a
// hostile file cannot reach a prototype through keys like `__proto__`.
import { SessionFileError } from '../core/errors.js';

/** Identifies sessio's saved-session files. */
export const SESSION_FORMAT = 'sessio-session';
/** The schema version this release writes; files with a newer version are refused, never rewritten. */
export const SESSION_SCHEMA_VERSION = 1;

/** The login kinds a {@link LoginRecord} describes. */
export type LoginKind = 'form' | 'jwt' | 'client-credentials' | 'password-grant';

/**
 * How to log in again: written by `sessio login`. Only what is not secret, except the password and
 * client secret when the user chose to save them (`--save-password`). Files without `kind` are form logins.
 */
export interface LoginRecord {
  /** Default `form`. */
  kind?: LoginKind;
  /** The login page, JWT login endpoint or OAuth 2 token endpoint. */
  url: string;
  /** Required for `form` and `password-grant`; optional for `jwt`; none for `client-credentials`. */
  username?: string;
  csrf?: string;
  /** The login's non-secret options, as named in `formLogin`, `jwtLogin` and the OAuth 2 grants. */
  options?: LoginRecordOptions;
  /** Present only when the user chose to save it (`savePassword`). */
  password?: string;
  /** Present only when the user chose to save it (`--save-password`). */
  clientSecret?: string;
}

/** The non-secret login options a {@link LoginRecord} keeps. */
export interface LoginRecordOptions {
  /** Origins the login's token or session is good for. */
  origins?: string[];
  usernameField?: string;
  passwordField?: string;
  tokenPath?: string;
  tokenHeader?: string;
  refreshTokenPath?: string;
  refreshUrl?: string;
  refreshBeforeSeconds?: number;
  scheme?: string;
  clientId?: string;
  clientAuth?: 'basic' | 'post';
  scope?: string;
  /** Extra form parameters of the OAuth 2 token requests. */
  params?: Record<string, string>;
}

/** Every {@link LoginKind}, in the order `sessio login --help` lists them. */
export const LOGIN_KINDS: readonly LoginKind[] = ['form', 'jwt', 'client-credentials', 'password-grant'];
const OPTION_STRINGS = ['usernameField', 'passwordField', 'tokenPath', 'tokenHeader', 'refreshTokenPath', 'refreshUrl', 'scheme', 'clientId', 'scope'] as const;

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
  if (!isRecord(v) || typeof own(v, 'url') !== 'string') throw corrupt(file, '"login" needs a "url" string');
  const kind = own(v, 'kind') ?? 'form';
  if (!LOGIN_KINDS.includes(kind as LoginKind)) throw corrupt(file, `"login.kind" must be one of ${LOGIN_KINDS.join(', ')}`);
  const login: LoginRecord = { url: own(v, 'url') as string };
  if (kind !== 'form') login.kind = kind as LoginKind;
  for (const k of ['username', 'csrf', 'password', 'clientSecret'] as const) {
    const s = own(v, k);
    if (typeof s === 'string') login[k] = s;
  }
  if (login.username === undefined && (kind === 'form' || kind === 'password-grant')) throw corrupt(file, `a ${kind} "login" needs a "username" string`);
  const options = parseLoginOptions(own(v, 'options'));
  if (options) login.options = options;
  return login;
}

/** Keeps the known options of the right type; anything else in a hand-edited file is dropped. */
function parseLoginOptions(v: unknown): LoginRecordOptions | undefined {
  if (!isRecord(v)) return undefined;
  const o: LoginRecordOptions = {};
  for (const k of OPTION_STRINGS) {
    const s = own(v, k);
    if (typeof s === 'string') o[k] = s;
  }
  const origins = own(v, 'origins');
  if (Array.isArray(origins)) o.origins = origins.filter((x): x is string => typeof x === 'string');
  const before = own(v, 'refreshBeforeSeconds');
  if (typeof before === 'number' && Number.isFinite(before) && before >= 0) o.refreshBeforeSeconds = before;
  const auth = own(v, 'clientAuth');
  if (auth === 'basic' || auth === 'post') o.clientAuth = auth;
  const params = own(v, 'params');
  if (isRecord(params)) {
    const out = Object.create(null) as Record<string, string>;
    for (const [k, p] of Object.entries(params)) if (typeof p === 'string') out[k] = p;
    o.params = { ...out };
  }
  return Object.keys(o).length ? o : undefined;
}

function corrupt(file: string, what: string, cause?: unknown): SessionFileError {
  return new SessionFileError(file, `${what}. It was left untouched; fix or delete it (or save to another file).`, { code: 'ERR_SESSION_FILE_CORRUPT', cause });
}

/** A new empty document. */
export function emptyDocument(): SessionDocument {
  return { format: SESSION_FORMAT, version: SESSION_SCHEMA_VERSION, savedAt: new Date().toISOString(), headers: {}, cookies: null, state: {} };
}
