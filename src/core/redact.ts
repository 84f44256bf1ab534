import type { RequestHeaders } from './fields.js';

/** Headers whose values are secrets in every session. */
export const ALWAYS_SENSITIVE: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'x-xsrf-token',
  'x-csrftoken',
  'x-api-key',
  // Spring Session's HeaderHttpSessionIdResolver.authenticationInfo() carries the session id in it.
  'authentication-info',
]);

export const REDACTED = '[REDACTED]';

/** Whether a (lower-case) header name holds a secret. */
export function isSensitive(name: string, extra?: ReadonlySet<string>): boolean {
  return ALWAYS_SENSITIVE.has(name) || (extra?.has(name) ?? false);
}

/** A copy of the headers with secret values replaced; cookie names stay visible, values do not. */
export function redactHeaders(headers: Readonly<RequestHeaders>, extra?: ReadonlySet<string>): RequestHeaders {
  const out: RequestHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (URL_HEADERS.has(name)) out[k] = Array.isArray(v) ? v.map(redactUrlText) : redactUrlText(v);
    else if (!isSensitive(name, extra) && !SECRET_HEADER.test(name)) out[k] = v;
    else if (name === 'set-cookie') out[k] = Array.isArray(v) ? v.map(redactSetCookie) : redactSetCookie(v);
    else if (name === 'cookie') out[k] = redactCookieHeader(Array.isArray(v) ? v.join('; ') : v);
    else if (name === 'authorization' || name === 'proxy-authorization') out[k] = redactAuthorization(Array.isArray(v) ? v.join(', ') : v);
    else out[k] = REDACTED;
  }
  return out;
}

/** `a=1; b=2` → `a=[REDACTED]; b=[REDACTED]`. */
export function redactCookieHeader(value: string): string {
  return value.split(';').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? REDACTED : `${pair.slice(0, eq).trim()}=${REDACTED}`;
  }).join('; ');
}

/** Keeps the scheme (`Basic`, `Bearer`, `Digest`) so logs stay useful. */
export function redactAuthorization(value: string): string {
  const scheme = /^[A-Za-z][\w-]*(?=\s)/.exec(value);
  return scheme ? `${scheme[0]} ${REDACTED}` : REDACTED;
}

/**
 * Header names that look like they carry a secret though they are not in {@link ALWAYS_SENSITIVE}
 * (`X-Auth-Token`, `X-Session-Id`…): hidden in logs, curl commands and HAR, still sent on redirects.
 */
const SECRET_HEADER = /token|secret|api-?key|-key$|session|csrf|xsrf|passw|signature/i;

/** Whether a header name looks like it carries a secret (`X-Auth-Token`, `X-Session-Id`…). */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** Field names (form, JSON, query) whose values are secrets: passwords, tokens, CSRF tokens, keys. */
const SECRET_FIELD = /passw|passphrase|^pwd$|pass$|secret|token|csrf|xsrf|api[-_]?key|^apikey$|authori[sz]ation|credential|^session$|session[-_]?id|^jsessionid$|^sid$|cookie|private[-_]?key|^otp$|^pin$|signature/i;
/** Query parameters that are secrets besides {@link SECRET_FIELD}: OAuth codes, API keys, signatures. */
const SECRET_QUERY = /^(code|key|sig)$/i;

/** Whether a form, JSON or query field name holds a secret (`password`, `_csrf`, `access_token`…). */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** Whether a query parameter holds a secret: a {@link isSecretField} name, or `code`, `key`, `sig`. */
export function isSecretQuery(name: string): boolean {
  return SECRET_FIELD.test(name) || SECRET_QUERY.test(name);
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[REDACTED]; Path=/; HttpOnly`: the cookie name and attributes stay visible. */
export function redactSetCookie(value: string): string {
  const semi = value.indexOf(';');
  const pair = semi < 0 ? value : value.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq < 0 ? '' : pair.slice(0, eq).trim();
  return `${name ? `${name}=` : ''}${REDACTED}${semi < 0 ? '' : value.slice(semi)}`;
}

/** A URL without userinfo and with secret query parameters (`access_token`, `api_key`, `code`…) redacted. */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    return redactInvalidUrl(String(url));
  }
  u.username = '';
  u.password = '';
  if (u.search) {
    const q = redactPairs(u.search.slice(1), isSecretQuery);
    u.search = q;
  }
  return u.href;
}

/**
 * Text that failed to parse as a URL (an error message, a bad Location or proxy): userinfo is cut up to
 * the last `@` before the query, since a password with `/` or `[` is what makes such a URL invalid.
 */
function redactInvalidUrl(text: string): string {
  const start = /^([a-z][a-z0-9+.-]*:)?\/\//i.exec(text)?.[0].length ?? 0;
  let end = text.length;
  for (const c of ['?', '#']) {
    const i = text.indexOf(c, start);
    if (i >= 0 && i < end) end = i;
  }
  const at = text.lastIndexOf('@', end - 1);
  const noUser = at >= start ? text.slice(0, start) + text.slice(at + 1) : text;
  return redactUrlText(noUser);
}

/** Headers whose value is a URL, possibly relative, that may carry userinfo or tokens in its query. */
const URL_HEADERS: ReadonlySet<string> = new Set(['location', 'content-location', 'referer']);

/** Like {@link redactUrl} for a URL that may be relative (a Location header). */
export function redactUrlText(value: string): string {
  const noUser = value.replace(/^([a-z][a-z0-9+.-]*:)?\/\/[^/?#@]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}//`);
  const q = noUser.indexOf('?');
  if (q < 0) return noUser;
  const hash = noUser.indexOf('#', q);
  const query = noUser.slice(q + 1, hash < 0 ? undefined : hash);
  return `${noUser.slice(0, q + 1)}${redactPairs(query, isSecretQuery)}${hash < 0 ? '' : noUser.slice(hash)}`;
}

/** Redacts the values of secret keys in `a=1&password=x` (an urlencoded form or a query string). */
export function redactForm(text: string): string {
  return redactPairs(text, isSecretField);
}

function redactPairs(text: string, secret: (key: string) => boolean): string {
  return text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let key = pair.slice(0, eq);
    try {
      key = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch { /* a malformed escape: judge the raw key */ }
    return secret(key) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
  }).join('&');
}

// Every pattern below is linear: no quantified part can be re-tried from each later start position
// (a tag stops at the next `<`, a key at the first character that cannot be in a key).
const HTML_TAG = /<(?:input|meta)\b[^<>]*>?/gi;
const HTML_NAME = /\b(?:name|id|property)\s*=\s*["']?([^"'\s>]+)/i;
const HTML_VALUE = /\b(value|content)(\s*=\s*)("[^"]*"?|'[^']*'?|[^\s>]+)/gi;
const XML_ELEMENT = /<([\w:.-]+)(\s[^<>]*)?>([^<]*)/g;
// `%` and `+`: urlencoded keys such as `user%5Bpassword%5D` (Rails' `user[password]`), decoded before judging.
const KEY_VALUE = /(^|[?&;\s])([\w.\-[\]%+]+)=([^&;\s]*)/g;

/** Characters of text that {@link redactText} scans; the rest is dropped, never shown unscanned. */
export const REDACT_SCAN_LIMIT = 64 * 1024;

/** What {@link redactBody} returns: the redacted text, and whether the input was cut at the scan limit. */
export interface RedactedText {
  text: string;
  truncated: boolean;
}

/**
 * Redacts the first `limit` characters of a body (see {@link redactText}) and drops the rest, so that
 * text that was not scanned is never shown; `truncated` tells the caller to say so.
 */
export function redactBody(text: string, limit = REDACT_SCAN_LIMIT): RedactedText {
  const truncated = text.length > limit;
  return { text: redactScanned(truncated ? text.slice(0, limit) : text), truncated };
}

/**
 * Redacts secrets in a body excerpt of any type: JSON members, hidden inputs and meta tags of HTML
 * forms (CSRF tokens), XML elements and `key=value` pairs (forms, query strings). It works on
 * truncated text too, since excerpts are cut at a fixed length. Only the first
 * {@link REDACT_SCAN_LIMIT} characters are kept; a note at the end says when more were dropped.
 */
export function redactText(text: string): string {
  const r = redactBody(text);
  return r.truncated ? `${r.text}…[${text.length - REDACT_SCAN_LIMIT} more characters not shown]` : r.text;
}

function redactScanned(text: string): string {
  let out = text.includes('"') ? redactJsonMembers(text) : text;
  if (out.includes('<')) {
    out = out.replace(HTML_TAG, (tag) => {
      const name = HTML_NAME.exec(tag)?.[1];
      return name && isSecretField(name) ? tag.replace(HTML_VALUE, (_m, attr: string, eq: string) => `${attr}${eq}"${REDACTED}"`) : tag;
    });
    // XML and SOAP: <password>…</password>, <ns:accessToken>…
    out = out.replace(XML_ELEMENT, (m, name: string, attrs: string | undefined, text: string) => (
      text && isSecretField(name.slice(name.indexOf(':') + 1)) ? `<${name}${attrs ?? ''}>${REDACTED}` : m));
  }
  if (out.includes('=')) out = out.replace(KEY_VALUE, (m, lead: string, key: string) => (isSecretField(decodeKey(key)) ? `${lead}${key}=${REDACTED}` : m));
  return out;
}

function decodeKey(key: string): string {
  if (!key.includes('%') && !key.includes('+')) return key;
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key; // a malformed escape: judge the raw key
  }
}

/** The index just after the JSON string starting at `start` (a `"`), or -1 when the text ends inside it. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++; // backslash: skip the escaped character
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** The index just after the JSON value at `start` (string, array, object or literal); text.length when cut off. */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') {
    const end = stringEnd(text, start);
    return end < 0 ? text.length : end;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const end = stringEnd(text, i);
        if (end < 0) return text.length;
        i = end - 1;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && /[\w.+-]/.test(text[i]!)) i++;
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function jsonKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * Replaces the whole value of every JSON member with a secret name (`"password": […]` too) by
 * `"[REDACTED]"`. One pass over the text, so that complete JSON, a cut-off excerpt and JSON inside
 * other text (a script tag) are all handled, in linear time, keeping the original layout.
 */
function redactJsonMembers(text: string): string {
  let out = '';
  let copied = 0;
  let i = text.indexOf('"');
  while (i >= 0) {
    const end = stringEnd(text, i);
    if (end < 0) break; // the rest is inside one string
    const colon = skipSpace(text, end);
    if (text[colon] !== ':') {
      // Not a key: its closing quote may open one (a stray `"` in text must not hide the JSON after it).
      i = end - 1;
      continue;
    }
    if (!isSecretField(jsonKey(text.slice(i + 1, end - 1)))) {
      i = text.indexOf('"', colon);
      continue;
    }
    const value = skipSpace(text, colon + 1);
    if (value >= text.length) break; // cut off before the value: nothing to hide
    const after = valueEnd(text, value);
    out += `${text.slice(copied, value)}"${REDACTED}"`;
    copied = after;
    i = text.indexOf('"', after);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `scheme://…` up to the next character that cannot be in a URL written into text. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Text with every URL in it redacted: userinfo cut, secret query values hidden. */
function redactUrlsInText(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, (url) => redactUrl(url)) : text;
}

/** Keys whose string value is a body or body excerpt: redacted as a body, not only for its URLs. */
const BODY_KEYS: ReadonlySet<string> = new Set(['body', 'data', 'excerpt', 'text']);

/** `util.inspect.custom`: a copied error turns its original's custom inspection off with it. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** How deep {@link redactForDisplay} copies: what `util.inspect` shows of an error stops well before. */
const DISPLAY_DEPTH = 12;

/**
 * A copy of `value` safe to print: what `util.inspect(err)` (so `console.error(err)`) shows of a thrown
 * error and of everything reachable from it — the request's headers, the redirect history, the cause
 * and its `input`. Header objects are redacted by name, fields with secret names are hidden, URLs in
 * any string lose their userinfo and secret query values, and bodies are described, not shown. The
 * one routine behind every error's `[util.inspect.custom]`.
 */
export function redactForDisplay(value: unknown): unknown {
  return displayCopy(value, new WeakMap(), 0);
}

function displayCopy(value: unknown, seen: WeakMap<object, unknown>, depth: number): unknown {
  if (typeof value === 'string') return redactUrlsInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof URL) return redactUrl(value);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return seen.get(value);
  if (depth >= DISPLAY_DEPTH) return '[…]';
  if (value instanceof Error) return errorCopy(value, seen, depth);
  // A nested object with its own inspection (a Headers, a jar, a request) prints itself redacted.
  if (depth > 0 && typeof (value as { [INSPECT]?: unknown })[INSPECT] === 'function') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(displayCopy(item, seen, depth + 1));
    return out;
  }
  if (value instanceof Map || value instanceof Set) return `[${value.constructor.name} of ${value.size}]`;
  const out = Object.create(withoutInspect(Object.getPrototypeOf(value) as object | null)) as Record<string, unknown>;
  seen.set(value, out);
  const extra = (value as { sensitiveHeaders?: unknown }).sensitiveHeaders;
  for (const [key, v] of Object.entries(value)) out[key] = displayMember(key, v, extra instanceof Set ? extra : undefined, seen, depth);
  return out;
}

function displayMember(key: string, value: unknown, extra: ReadonlySet<string> | undefined, seen: WeakMap<object, unknown>, depth: number): unknown {
  const name = key.toLowerCase();
  if (name === 'headers' && isHeaderRecord(value)) return redactHeaders(value, extra);
  if (typeof value === 'string' && (isSensitive(name, extra) || isSecretHeader(name) || isSecretField(name))) {
    return name.endsWith('authorization') ? redactAuthorization(value) : REDACTED;
  }
  if (typeof value === 'string' && BODY_KEYS.has(name)) return redactText(redactUrlsInText(value));
  return displayCopy(value, seen, depth + 1);
}

function isHeaderRecord(value: unknown): value is RequestHeaders {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
}

/** `proto` with its custom inspection turned off, so a redacted copy prints as the class would by default. */
function withoutInspect(proto: object | null): object | null {
  if (proto === null || proto === Object.prototype || !(INSPECT in proto)) return proto;
  return Object.create(proto, { [INSPECT]: { value: undefined } }) as object;
}

/**
 * A `[util.inspect.custom]` method for sessio's classes that hold requests, responses and headers: the
 * object printed as usual, redacted by {@link redactForDisplay}.
 */
export function inspectRedacted(this: object, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
  return inspect(redactForDisplay(this), options);
}

/**
 * An Error of the original's class (without its custom inspection) with redacted message, stack and
 * own fields, and a redacted copy of its cause: util.inspect prints it as it would the original.
 */
function errorCopy(err: Error, seen: WeakMap<object, unknown>, depth: number): Error {
  const copy = new Error(redactUrlsInText(err.message));
  Object.setPrototypeOf(copy, Object.create(Object.getPrototypeOf(err) as object, { [INSPECT]: { value: undefined } }));
  seen.set(err, copy);
  Object.defineProperty(copy, 'name', { value: err.name, configurable: true, writable: true, enumerable: false });
  copy.stack = err.stack === undefined ? undefined : redactUrlsInText(err.stack);
  const fields = copy as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(err)) fields[key] = displayMember(key, v, undefined, seen, depth);
  if ('cause' in err) {
    Object.defineProperty(copy, 'cause', { value: displayCopy(err.cause, seen, depth + 1), configurable: true, writable: true, enumerable: false });
  }
  return copy;
}
