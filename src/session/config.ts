import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import type { HeadersInit } from '../core/headers.js';
import type { MultipartInit } from '../core/multipart.js';
import type { ParamsInit } from '../core/url.js';
import type { AuthInit } from '../stages/auth.js';
import type { Hooks } from '../stages/hook-set.js';
import type { LoggerLike } from '../core/log/logger.js';
import type { HarOptions } from '../observe/har.js';
import type { CsrfInit } from '../features/csrf/profiles.js';
import type { LoginStrategy } from '../features/login/types.js';
import type { RateLimitOptions } from '../stages/rate-limit.js';
import type { ProxyInit } from '../transport/proxy.js';
import { RequestError } from '../core/errors.js';
import { resolveRetry, type RetryInit, type RetryPolicy } from '../stages/retry-policy.js';

/** Timeouts in milliseconds. A plain number is the total time for the whole request, redirects included. */
export interface TimeoutOptions {
  /** TCP + TLS connection set-up. */
  connect?: number;
  /** Waiting for the response headers, and then for each chunk of the body. */
  response?: number;
  /** The whole request, from the first byte sent to the last byte read (to the headers with `stream: true`). */
  total?: number;
}

/** TLS settings. Requests with different TLS settings never share a connection. */
export interface TLSOptions {
  /** Trusted CA certificates (PEM), added to replace Node's default list. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  passphrase?: string;
  /** `false` accepts any certificate: for testing only. Default `true`. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Connection pool settings, per origin. */
export interface PoolOptions {
  /** Maximum sockets per origin (default: unlimited, as undici). */
  connections?: number;
  /** How long an idle keep-alive socket is kept, ms (default 4000, as undici). */
  keepAliveTimeout?: number;
  /** Requests pipelined on one socket (default 1). */
  pipelining?: number;
}

/** A request body given as raw data. */
export type BodyInit = string | Uint8Array | ArrayBuffer | Readable | ReadableStream<Uint8Array> | Blob;

/** Options of one request; each overrides the session's option of the same name. */
export interface RequestOptions {
  /** Merged over the session's headers case-insensitively; `null` removes a session header. */
  headers?: HeadersInit;
  /** Query parameters merged over the session's; `null` removes one. */
  params?: ParamsInit;
  /**
   * Credentials (Basic `{ username, password }`, `digestAuth`, `bearerAuth`, a custom scheme); `null`
   * turns the session's off for this request. A request's own `auth` goes only to the origin of its
   * URL (not across a cross-origin redirect). The session's `auth` with a `baseUrl` goes only to the
   * baseUrl's origin: requests to other absolute URLs get no session credentials unless given per
   * request. Without a `baseUrl`, the session's `auth` goes to each request's own origin, as in requests.
   */
  auth?: AuthInit | null;
  /** Cookies sent with this request only (not stored in the jar). */
  cookies?: Record<string, string>;
  /** A JSON body (`Content-Type: application/json`). */
  json?: unknown;
  /** An urlencoded form body; arrays become repeated keys. */
  form?: Record<string, string | number | boolean | readonly (string | number | boolean)[] | null | undefined> | URLSearchParams;
  /** A multipart/form-data body; files given by path or stream are streamed. */
  multipart?: MultipartInit;
  /** A raw body. */
  body?: BodyInit;
  timeout?: number | TimeoutOptions | null;
  signal?: AbortSignal;
  followRedirects?: boolean;
  maxRedirects?: number;
  throwHttpErrors?: boolean;
  /** Largest body accepted after decompression, bytes (default 100 MiB). */
  maxDecodedSize?: number;
  /** Resolve at the headers and give the body as a stream (`response.body`) that you consume or cancel. */
  stream?: boolean;
  /** TLS settings for this request; a separate connection pool is used for them. */
  tls?: TLSOptions;
  /** Hooks ({@link Hooks}); a request's run after the session's. */
  hooks?: Hooks;
  /**
   * Retries of failed hops (`RetryOptions`); a number is the limit. None by default; `null` or
   * `false` on a request turns the session's off.
   * @example `retry: { limit: 3, statusCodes: [503] }`
   */
  retry?: RetryInit | null;
  /**
   * The proxy, with credentials in its URL: `'http://user:pass@127.0.0.1:3128'`. Without it the
   * environment decides (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) unless `trustEnv` is false; `null`
   * goes direct, whatever the environment says.
   * @example `proxy: { url: 'http://user:pass@proxy:3128', noProxy: '.internal' }`
   */
  proxy?: ProxyInit | null;
}

/** Options of a {@link Session}. */
export interface SessionOptions extends Omit<RequestOptions, 'json' | 'form' | 'multipart' | 'body' | 'signal' | 'stream' | 'cookies'> {
  /** CSRF tokens to send back: a framework profile (`'spring'`, `'django'`, `'rails'`, `'angular'`, `'laravel'`) or a custom one. */
  csrf?: CsrfInit;
  /** How to log in (`formLogin`, `jwtLogin`, `clientCredentials`…); the session logs in again when it finds itself logged out. */
  login?: LoginStrategy;
  /** Prefix for relative URLs: `baseUrl + '/' + path`. */
  baseUrl?: string | URL;
  pool?: PoolOptions;
  /** Extra header names handled like Authorization: redacted and dropped on cross-origin redirects. */
  sensitiveHeaders?: readonly string[];
  /** Use this undici dispatcher instead of the session's own Agent (the session will not close it). */
  dispatcher?: Dispatcher;
  /**
   * Where log lines go (`console`, pino…), redacted; without it `DEBUG=sessio*` logs to stderr.
   * @example `logger: pino({ level: 'debug' })`
   */
  logger?: LoggerLike;
  /**
   * Record the traffic for `s.har()` (HAR 1.2), bounded by {@link HarOptions}.
   * @example `har: { maxEntries: 200 }`
   */
  har?: boolean | HarOptions;
  /**
   * Per-origin rate limits and concurrency ({@link RateLimitOptions}); an origin that answers 429 with
   * Retry-After is paused for every queued request.
   * @example `rateLimit: { requests: 5, interval: 1_000, concurrency: 2 }`
   */
  rateLimit?: RateLimitOptions;
  /**
   * Read proxies from the environment (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`, lower or
   * upper case) when no `proxy` option is given. Default true, as requests.
   * @example `trustEnv: false`
   */
  trustEnv?: boolean;
}

/** Settings a request resolves to after the session's and its own options are merged. */
export interface ResolvedSettings {
  timeout: TimeoutOptions;
  followRedirects: boolean;
  maxRedirects: number;
  throwHttpErrors: boolean;
  maxDecodedSize: number;
  stream: boolean;
  signal: AbortSignal | undefined;
  tls: TLSOptions | undefined;
  retry: RetryPolicy;
  /** The request's `proxy` option, else the session's; undefined leaves it to the environment. */
  proxy: ProxyInit | null | undefined;
}

export const DEFAULT_MAX_REDIRECTS = 30;
export const DEFAULT_MAX_DECODED_SIZE = 100 * 1024 * 1024;

/** Normalises the `timeout` option: a number is the total. */
export function toTimeouts(timeout: number | TimeoutOptions | null | undefined): TimeoutOptions {
  if (timeout === null || timeout === undefined) return {};
  const t = typeof timeout === 'number' ? { total: timeout } : timeout;
  const out: TimeoutOptions = {};
  for (const phase of ['connect', 'response', 'total'] as const) {
    const ms = t[phase];
    if (ms === undefined || ms === Infinity) continue; // Infinity: no limit
    if (typeof ms !== 'number' || !(ms > 0) || ms > MAX_TIMER_MS) {
      throw new RequestError(`Invalid timeout.${phase} ${String(ms)}: use milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity for none`);
    }
    out[phase] = ms;
  }
  return out;
}

/** Node's timers cannot wait longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A request option wins when given; `null` means "not set" for the request too (requests' merge_setting). */
function pick<T>(request: T | null | undefined, session: T | null | undefined, fallback: T): T {
  if (request !== undefined && request !== null) return request;
  if (session !== undefined && session !== null) return session;
  return fallback;
}

/** Merges the scalar settings of a session and a request. */
export function resolveSettings(session: SessionOptions, request: RequestOptions): ResolvedSettings {
  const timeout = request.timeout === null ? {} : { ...toTimeouts(session.timeout), ...toTimeouts(request.timeout) };
  return {
    timeout,
    followRedirects: pick(request.followRedirects, session.followRedirects, true),
    maxRedirects: pick(request.maxRedirects, session.maxRedirects, DEFAULT_MAX_REDIRECTS),
    throwHttpErrors: pick(request.throwHttpErrors, session.throwHttpErrors, false),
    maxDecodedSize: pick(request.maxDecodedSize, session.maxDecodedSize, DEFAULT_MAX_DECODED_SIZE),
    stream: request.stream ?? false,
    signal: request.signal,
    tls: request.tls ? { ...session.tls, ...request.tls } : session.tls,
    retry: resolveRetry(session.retry, request.retry),
    proxy: request.proxy !== undefined ? request.proxy : session.proxy,
  };
}
