// The versioned JSON form of a jar. Parsing builds fresh objects field by field, so keys such as
// `__proto__` in the input cannot reach any prototype.
import type { CookieInit } from './cookie.js';
import type { StoredCookie } from './stored-cookie.js';
import { CookieJarError } from './errors.js';
import { isSameSite } from './validate.js';

/** Identifies sessio's serialized jars. */
export const JAR_FORMAT = 'sessio-cookie-jar';
/** The schema version written by this release; newer versions are refused. */
export const JAR_SCHEMA_VERSION = 1;

/** One cookie in a {@link SerializedJar}. Times are ms since the epoch; `expires` null for a session cookie. */
export interface SerializedCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number | null;
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'strict' | 'lax' | 'none' | 'default';
  hostOnly: boolean;
  partitioned: boolean;
  creation: number;
  lastAccess: number;
}

/** Output of `CookieJar#toJSON()`. */
export interface SerializedJar {
  format: typeof JAR_FORMAT;
  version: typeof JAR_SCHEMA_VERSION;
  cookies: SerializedCookie[];
}

/** The JSON form of `cookies`, given in creation order (the order a reload gives them back). */
export function toSerialized(cookies: Iterable<StoredCookie>): SerializedJar {
  const out: SerializedCookie[] = [];
  for (const c of cookies) {
    out.push({
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
      expires: c.expires ?? null,
      secure: c.secure,
      httpOnly: c.httpOnly,
      sameSite: c.sameSite,
      hostOnly: c.hostOnly,
      partitioned: c.partitioned,
      creation: c.creation,
      lastAccess: c.lastAccess,
    });
  }
  return { format: JAR_FORMAT, version: JAR_SCHEMA_VERSION, cookies: out };
}

function schemaError(message: string): CookieJarError {
  return new CookieJarError('ERR_COOKIE_JAR_SCHEMA', `serialized cookie jar: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field<T>(obj: Record<string, unknown>, key: string, check: (v: unknown) => v is T, index: number): T {
  const v = Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  if (!check(v)) throw schemaError(`cookie #${index}: bad or missing "${key}"`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTimeOrNull = (v: unknown): v is number | null => v === null || isTime(v);

/** Reads a serialized jar (object or JSON text) into cookie fields, validating the schema. */
export function fromSerialized(json: unknown): CookieInit[] {
  let data = json;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw schemaError('not valid JSON');
    }
  }
  if (!isRecord(data) || data.format !== JAR_FORMAT) throw schemaError(`not a ${JAR_FORMAT} document`);
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw schemaError('bad version');
  if (version > JAR_SCHEMA_VERSION) {
    throw new CookieJarError(
      'ERR_COOKIE_JAR_SCHEMA_VERSION',
      `serialized cookie jar has schema version ${version}; this sessio reads up to ${JAR_SCHEMA_VERSION}`,
    );
  }
  if (!Array.isArray(data.cookies)) throw schemaError('"cookies" is not an array');
  return data.cookies.map((raw: unknown, i: number): CookieInit => {
    if (!isRecord(raw)) throw schemaError(`cookie #${i} is not an object`);
    const expires = field(raw, 'expires', isTimeOrNull, i);
    return {
      name: field(raw, 'name', isString, i),
      value: field(raw, 'value', isString, i),
      domain: field(raw, 'domain', isString, i),
      path: field(raw, 'path', isString, i),
      expires: expires === null ? undefined : expires,
      secure: field(raw, 'secure', isBool, i),
      httpOnly: field(raw, 'httpOnly', isBool, i),
      sameSite: field(raw, 'sameSite', isSameSite, i),
      hostOnly: field(raw, 'hostOnly', isBool, i),
      partitioned: field(raw, 'partitioned', isBool, i),
      creation: field(raw, 'creation', isTime, i),
      lastAccess: field(raw, 'lastAccess', isTime, i),
    };
  });
}
