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
    if (!isSensitive(name, extra)) out[k] = v;
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
