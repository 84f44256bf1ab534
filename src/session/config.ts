// A session's options: the core's (core/options.ts) plus those of the stages and features the
// session wires in. Each feature option is resolved here and handed to its stage through a typed
// context slot (session.ts `prepare`), so the core request never knows the features' types.
import type { Dispatcher } from 'undici';
import type { AuthInit } from '../auth/scheme.js';
import type { CoreRequestOptions, PoolOptions } from '../core/options.js';
import type { LoggerLike } from '../core/log/logger.js';
import type { Hooks } from '../stages/hook-set.js';
import type { RateLimitOptions } from '../stages/rate-limit.js';
import type { RetryInit } from '../stages/retry-policy.js';
import type { HarOptions } from '../observe/har.js';
import type { CsrfInit } from '../features/csrf/profiles.js';
import type { LoginStrategy } from '../features/login/types.js';
import type { SharedStateInit } from '../features/shared/backend.js';
import type { ProxyInit } from '../transport/proxy.js';
import type { Http2Init } from '../transport/http2.js';
import type { Transport } from '../transport/transport.js';

export type { BodyInit, PoolOptions, TimeoutOptions, TLSOptions } from '../core/options.js';

/** Options of one request; each overrides the session's option of the same name. */
export interface RequestOptions extends CoreRequestOptions {
  /**
   * Credentials (Basic `{ username, password }`, `digestAuth`, `bearerAuth`, a custom scheme); `null`
   * turns the session's off for this request. A request's own `auth` goes only to the origin of its
   * URL (not across a cross-origin redirect). The session's `auth` with a `baseUrl` goes only to the
   * baseUrl's origin: requests to other absolute URLs get no session credentials unless given per
   * request. Without a `baseUrl`, the session's `auth` goes to each request's own origin, as in requests.
   */
  auth?: AuthInit | null;
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
  /**
   * Largest response head (status line and headers) accepted, in bytes; a larger one fails the request
   * with `HeadersTooLargeError` naming it. Default: Node's `http.maxHeaderSize` (16 KiB), which about 600
   * Set-Cookie fields fill. Whatever arrives, the jar keeps at most its per-domain cookie limit.
   * @example `maxHeaderSize: 64 * 1024`
   */
  maxHeaderSize?: number;
  /**
   * Use this undici dispatcher instead of the session's own pools (the session will not close it). It
   * bypasses what sessio does below the request: `tls`, `proxy`, `pool`, `http2` and the connect
   * timeout do not apply, and `stats()` counts no connections. To share connections between sessions,
   * use `transport` or {@link Session.fork} instead, which keep all of these.
   */
  dispatcher?: Dispatcher;
  /**
   * Offer HTTP/2 by ALPN over TLS: `true` for every https: origin, `{ origins: [...] }` for some. An
   * origin that picks HTTP/1.1 is used with HTTP/1.1; `response.httpVersion` says which one answered.
   * @example `http2: { origins: ['https://api.example.com'] }`
   */
  http2?: Http2Init;
  /**
   * Connections shared with other sessions (`new Transport({ pool, http2, trustEnv })`): each session
   * keeps its own cookies, auth, CSRF and login state, its `tls`, `proxy` and connect timeout still
   * apply (pools are keyed by them), and `stats()` counts its own requests. The session does not close
   * it. `pool`, `dispatcher`, `trustEnv` and `http2` belong to the transport and cannot be given with it.
   */
  transport?: Transport;
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
   * Share this session with every process that uses the same shared state: one cookie jar, one
   * login (single-flight across the fleet), CSRF and login tokens, and with `rateLimit.shared` one
   * rate budget. Each process keeps a local copy; see README, "Shared sessions (Redis)".
   * @example `shared: redisState({ url: process.env.REDIS_URL, name: 'crm-prod' })` (from `sessio/redis`)
   */
  shared?: SharedStateInit;
  /**
   * Read proxies from the environment (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`, lower or
   * upper case) when no `proxy` option is given. Default true, as requests.
   * @example `trustEnv: false`
   */
  trustEnv?: boolean;
}
