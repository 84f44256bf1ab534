import type { RequestHeaders } from './headers.js';

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
    return String(url).replace(/\/\/[^/@]*@/, '//');
  }
  u.username = '';
  u.password = '';
  if (u.search) {
    const q = redactPairs(u.search.slice(1), (k) => SECRET_FIELD.test(k) || SECRET_QUERY.test(k));
    u.search = q;
  }
  return u.href;
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
  return `${noUser.slice(0, q + 1)}${redactPairs(query, (k) => SECRET_FIELD.test(k) || SECRET_QUERY.test(k))}${hash < 0 ? '' : noUser.slice(hash)}`;
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

const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|-?\d[\d.eE+-]*)/g;
const HTML_TAG = /<(?:input|meta)\b[^>]*(?:>|$)/gi;
const HTML_NAME = /\b(?:name|id|property)\s*=\s*["']?([^"'\s>]+)/i;
const HTML_VALUE = /\b(value|content)(\s*=\s*)("[^"]*"?|'[^']*'?|[^\s>]+)/gi;
const XML_ELEMENT = /<([\w:.-]+)(\s[^>]*)?>([^<]*)/g;
const KEY_VALUE = /(^|[?&;\s])([\w.\-[\]]+)=([^&;\s]*)/g;

/**
 * Redacts secrets in a body excerpt of any type: JSON members, hidden inputs and meta tags of HTML
 * forms (CSRF tokens), and `key=value` pairs (forms, query strings). It works on truncated text too,
 * since excerpts are cut at a fixed length.
 */
export function redactText(text: string): string {
  let out = text.replace(JSON_MEMBER, (m, key: string, colon: string) => (isSecretField(key) ? `"${key}"${colon}"${REDACTED}"` : m));
  if (out.includes('<')) {
    out = out.replace(HTML_TAG, (tag) => {
      const name = HTML_NAME.exec(tag)?.[1];
      return name && isSecretField(name) ? tag.replace(HTML_VALUE, (_m, attr: string, eq: string) => `${attr}${eq}"${REDACTED}"`) : tag;
    });
    // XML and SOAP: <password>…</password>, <ns:accessToken>…
    out = out.replace(XML_ELEMENT, (m, name: string, attrs: string | undefined, text: string) => (
      text && isSecretField(name.slice(name.indexOf(':') + 1)) ? `<${name}${attrs ?? ''}>${REDACTED}` : m));
  }
  if (out.includes('=')) out = out.replace(KEY_VALUE, (m, lead: string, key: string) => (isSecretField(key) ? `${lead}${key}=${REDACTED}` : m));
  return out;
}
