import { redactForDisplay, redactUrl } from './redact.js';

/** `util.inspect.custom`, without importing node:util into every consumer of the errors. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Every error sessio throws is a {@link SessioError}: catch that one class, then narrow by `code` or
 * `instanceof`. Messages name the method and URL (with credentials removed) and say what to do.
 */
export class SessioError extends Error {
  /** A stable machine-readable code such as `ERR_TIMEOUT`. */
  readonly code: string;
  /** The request method, when the error belongs to a request. */
  readonly method?: string;
  /** The request URL with userinfo removed, when the error belongs to a request. */
  readonly url?: string;

  constructor(message: string, options: { code: string; method?: string; url?: string | URL; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    if (options.method !== undefined) this.method = options.method;
    if (options.url !== undefined) this.url = safeUrl(options.url);
  }

  /**
   * What `console.error(err)` and `util.inspect(err)` print: the error and everything reachable from it
   * (the response and its request headers, the redirect history, the cause) redacted.
   */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspect(redactForDisplay(this), options);
  }
}

/** A URL without userinfo and with secret query parameters redacted, so errors and logs carry no secrets. */
export function safeUrl(url: string | URL): string {
  return redactUrl(url);
}

function where(method: string | undefined, url: string | URL | undefined): string {
  if (url === undefined) return '';
  return ` (${method ?? 'GET'} ${safeUrl(url)})`;
}

/** The options of a request are wrong: a bad URL, a header with CR/LF, two bodies at once. */
export class RequestError extends SessioError {
  constructor(message: string, options: { code?: string; method?: string; url?: string | URL; cause?: unknown } = {}) {
    super(message + where(options.method, options.url), { code: 'ERR_REQUEST', ...options });
  }
}

/** A URL that cannot be parsed, or whose scheme is not http(s). */
export class InvalidURLError extends RequestError {
  constructor(input: string, reason: string, cause?: unknown) {
    super(`Invalid URL ${JSON.stringify(safeUrl(input))}: ${reason}`, { code: 'ERR_INVALID_URL', cause });
  }
}

/** A header name or value that would corrupt the request (CR, LF or NUL), refused before anything is sent. */
export class InvalidHeaderError extends RequestError {
  readonly header: string;
  constructor(header: string, reason: string, method?: string, url?: string | URL) {
    super(`Invalid header ${JSON.stringify(header)}: ${reason}; nothing was sent`, { code: 'ERR_INVALID_HEADER', method, url });
    this.header = header;
  }
}

/** DNS lookup or TCP connection failed. */
export class ConnectError extends SessioError {
  constructor(method: string, url: string | URL, cause: unknown) {
    const reason = (cause as { code?: string; message?: string })?.code ?? (cause as Error)?.message ?? 'unknown';
    super(`Cannot connect to ${originOf(url)}: ${reason}${where(method, url)}. Is the server running and the host name right?`,
      { code: 'ERR_CONNECT', method, url, cause });
  }
}

/** The TLS handshake failed: unknown CA, wrong host name, expired or self-signed certificate. */
export class TLSError extends SessioError {
  constructor(method: string, url: string | URL, cause: unknown) {
    const code = (cause as { code?: string })?.code ?? '';
    const hint = /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/.test(code)
      ? ' The certificate is self-signed or from an unknown CA: pass its CA with `tls: { ca }`, or (for testing only) `tls: { rejectUnauthorized: false }`.'
      : '';
    super(`TLS handshake with ${originOf(url)} failed: ${code || (cause as Error)?.message}${where(method, url)}.${hint}`,
      { code: 'ERR_TLS', method, url, cause });
  }
}

/** Which timeout fired. */
export type TimeoutPhase = 'connect' | 'response' | 'total';

/** A timeout fired; `phase` says which one. */
export class TimeoutError extends SessioError {
  readonly phase: TimeoutPhase;
  readonly timeout: number;
  constructor(phase: TimeoutPhase, timeout: number, method: string, url: string | URL, cause?: unknown) {
    super(`Timed out after ${timeout} ms waiting for the ${phase === 'total' ? 'whole request' : phase}${where(method, url)}`,
      { code: 'ERR_TIMEOUT', method, url, cause });
    this.phase = phase;
    this.timeout = timeout;
  }
}

/** The request was cancelled through its `signal`. */
export class AbortError extends SessioError {
  constructor(method: string, url: string | URL, cause?: unknown) {
    super(`Request aborted${where(method, url)}`, { code: 'ERR_ABORTED', method, url, cause });
  }
}

/** The connection broke while the request or response was under way. */
export class NetworkError extends SessioError {
  constructor(method: string, url: string | URL, cause: unknown) {
    const reason = (cause as { code?: string })?.code ?? (cause as Error)?.message;
    super(`Connection to ${originOf(url)} failed during the exchange: ${reason}${where(method, url)}`,
      { code: 'ERR_NETWORK', method, url, cause });
  }
}

/**
 * The proxy failed the request: it refused the proxy credentials (407, or tinyproxy's 401), refused to
 * open a tunnel, or could not be reached. `proxy` is its URL without credentials; `status` what it answered.
 */
export class ProxyError extends SessioError {
  readonly proxy: string;
  readonly status?: number;
  constructor(message: string, options: { proxy: string | URL; status?: number; method?: string; url?: string | URL; cause?: unknown }) {
    const proxy = safeUrl(options.proxy);
    super(`${message}${where(options.method, options.url)}`, { code: 'ERR_PROXY', method: options.method, url: options.url, cause: options.cause });
    this.proxy = proxy;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A response body that cannot be decoded: corrupt or truncated gzip, deflate, br or zstd data. */
export class DecodeError extends SessioError {
  constructor(coding: string, method: string, url: string | URL, cause: unknown) {
    super(`Cannot decode the ${coding} response body: ${(cause as Error)?.message ?? cause}${where(method, url)}`,
      { code: 'ERR_DECODE', method, url, cause });
  }
}

/** A request on a session after `close()`. */
export class SessionClosedError extends SessioError {
  constructor(method: string, url: string | URL) {
    super(`The session is closed${where(method, url)}; create a new Session`, { code: 'ERR_SESSION_CLOSED', method, url });
  }
}

/** A body larger than allowed, compressed or not (`maxDecodedSize`). */
export class BodyTooLargeError extends SessioError {
  readonly limit: number;
  constructor(limit: number, method: string, url: string | URL) {
    super(`Response body exceeds maxDecodedSize (${limit} bytes)${where(method, url)}. Raise maxDecodedSize or use stream: true.`,
      { code: 'ERR_BODY_TOO_LARGE', method, url });
    this.limit = limit;
  }
}

/**
 * A response whose head (status line and headers) is larger than `maxHeaderSize`: a cookie bomb, a
 * runaway header. Nothing of the response is kept; `limit` is the limit that applied.
 */
export class HeadersTooLargeError extends SessioError {
  readonly limit: number;
  constructor(limit: number, method: string, url: string | URL, cause?: unknown) {
    super(`The response headers exceed maxHeaderSize (${limit} bytes)${where(method, url)}. Raise the session's maxHeaderSize if the server is yours and trusted.`,
      { code: 'ERR_HEADERS_TOO_LARGE', method, url, cause });
    this.limit = limit;
  }
}

/** A redirect could not be followed: a non-http(s) Location, or a body that cannot be sent again. */
export class RedirectError extends SessioError {
  constructor(message: string, method: string, url: string | URL) {
    super(message + where(method, url), { code: 'ERR_REDIRECT', method, url });
  }
}

/** Minimal view of a response kept on errors, to avoid a circular import. */
export interface ResponseLike {
  readonly status: number;
  readonly url: string;
  readonly history: readonly { status: number; url: string }[];
}

/** More redirects than `maxRedirects`; `history` holds every hop. */
export class TooManyRedirectsError extends SessioError {
  readonly history: readonly { status: number; url: string }[];
  constructor(max: number, method: string, url: string | URL, history: readonly { status: number; url: string }[]) {
    super(`Exceeded maxRedirects (${max})${where(method, url)}; last hops: ${history.slice(-3).map((h) => `${h.status} ${safeUrl(h.url)}`).join(' -> ')}`,
      { code: 'ERR_TOO_MANY_REDIRECTS', method, url });
    this.history = history;
  }
}

/** The longest body excerpt an HTTPError message shows. */
const MAX_EXCERPT = 200;
/** Members of Spring Boot's error JSON and of RFC 9457 problem details worth a message, in the order shown. */
const ERROR_MEMBERS = ['title', 'error', 'detail', 'message', 'error_description', 'path', 'instance'] as const;
// Spring Security 4/5's InvalidCsrfTokenException repeats the token it was sent.
const CSRF_TOKEN_ECHO = /(CSRF Token )'[^']*'/gi;

function jsonMembers(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const j = JSON.parse(text) as unknown;
    return j && typeof j === 'object' && !Array.isArray(j) ? j as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One readable line for an error body: Spring Boot's error JSON (`Forbidden: Access Denied (path
 * /api/items)`) and RFC 9457 problem details (`Out of credit: Your balance is 30 (instance /account/1)`)
 * by their members, anything else as its first 200 characters. Members equal to the status reason or
 * to each other are shown once; a timestamp, trace or stack trace never.
 */
export function describeErrorBody(text: string): string {
  const clean = text.replace(CSRF_TOKEN_ECHO, '$1[REDACTED]');
  const j = jsonMembers(clean);
  const parts: string[] = [];
  let where = '';
  for (const key of ERROR_MEMBERS) {
    const v = j?.[key];
    if (typeof v !== 'string' || !v.trim() || parts.includes(v.trim())) continue;
    if (key === 'path' || key === 'instance') where ||= ` (${key} ${v.trim()})`;
    else parts.push(v.trim());
  }
  const line = parts.length || where ? `${parts.join(': ')}${where}`.trim() : clean;
  return line.length > MAX_EXCERPT ? `${line.slice(0, MAX_EXCERPT)}…` : line;
}

/** A response with status 4xx or 5xx, thrown by `raiseForStatus()` or with `throwHttpErrors`. */
export class HTTPError<R extends ResponseLike = ResponseLike> extends SessioError {
  readonly status: number;
  readonly response: R;
  /** `excerpt`: the start of the body, already redacted; a JSON error body is shown by its members. */
  constructor(response: R, method: string, excerpt: string) {
    const kind = response.status >= 500 ? 'Server Error' : 'Client Error';
    const shown = describeErrorBody(excerpt);
    super(`${response.status} ${kind} for ${method} ${safeUrl(response.url)}${shown ? `: ${shown}` : ''}`,
      { code: 'ERR_HTTP_STATUS', method, url: response.url });
    this.status = response.status;
    this.response = response;
  }
}

function originOf(url: string | URL): string {
  try {
    return (typeof url === 'string' ? new URL(url) : url).host;
  } catch {
    return String(url);
  }
}

/** A saved-session file that cannot be read or written: corrupt, from a newer sessio, locked. The file is left untouched. */
export class SessionFileError extends SessioError {
  /** The session file concerned. */
  readonly file: string;
  constructor(file: string, message: string, options: { code?: string; cause?: unknown } = {}) {
    super(`Session file ${file}: ${message}`, { code: options.code ?? 'ERR_SESSION_FILE', cause: options.cause });
    this.file = file;
  }
}

/**
 * A login was refused or could not be completed: wrong credentials, a refused token request, a login
 * page without a form; or (`accessDenied`) a logged-in request refused for a reason a new login
 * cannot mend, such as a token without the scope asked for (RFC 6750 `insufficient_scope`). `reason`
 * is what the server said (never the credentials); `status` its status.
 */
export class AuthenticationError extends SessioError {
  readonly reason: string;
  readonly status?: number;
  constructor(reason: string, options: { method?: string; url?: string | URL; status?: number; cause?: unknown; accessDenied?: boolean } = {}) {
    super(`${options.accessDenied ? 'Access denied' : 'Login failed'}: ${reason}${where(options.method, options.url)}`, { code: options.accessDenied ? 'ERR_ACCESS_DENIED' : 'ERR_AUTHENTICATION', ...options });
    this.reason = reason;
    if (options.status !== undefined) this.status = options.status;
  }
}
