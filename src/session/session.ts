import { inspect } from 'node:util';
import { encodeBody } from '../core/body.js';
import type { RequestOptions, SessionOptions } from './config.js';
import { CookieJar } from '../cookies/index.js';
import { ContextKey } from '../core/context.js';
import { ACCEPT_ENCODING } from '../core/decode.js';
import { AbortError, RequestError, TimeoutError } from '../core/errors.js';
import { applyHeaders, headerBag, type RequestHeaders } from '../core/headers.js';
import { sessionFetch } from './fetch.js';
import { compose, type Send, type Stage } from '../core/pipeline.js';
import { resolveSettings, DEFAULT_MAX_REDIRECTS, type CoreRequestOptions } from '../core/options.js';
import { Autosave, autosaveOptions, loadSession, saveSession, SavedState, type AutosaveOptions, type OriginHeaders, type OriginAuth, type PersistedParts, type SaveOptions } from '../persist/index.js';
import { SharedReplica } from '../persist/shared.js';
import { PreparedRequest } from '../core/request.js';
import { RAW_PATH, writtenPath } from '../core/path-as-is.js';
import type { Response } from '../core/response.js';
import { basicAuth, toAuthScheme, type AuthScheme } from '../auth/scheme.js';
import { AUTH, authStage, sessionAuthScheme } from '../stages/auth.js';
import { cookieStage, REQUEST_COOKIES } from '../stages/cookies.js';
import { redirectStage, type BeforeRedirect } from '../stages/redirects.js';
import { beforeRedirect, hookStage } from '../stages/hooks.js';
import { recordStage } from '../observe/har-stage.js';
import { HOOKS, mergeHooks } from '../stages/hook-set.js';
import { createLog, log, LOG, type Log } from '../core/log/index.js';
import { logStage } from '../observe/log-stage.js';
import { diagnoseStage } from '../observe/diagnose.js';
import { HarRecorder, type Har, type HarExportOptions, type HarOptions } from '../observe/har.js';
import { retryStage } from '../stages/retry.js';
import { RETRY, resolveRetry } from '../stages/retry-policy.js';
import { RateLimiter, withQueueStats, type QueueStats } from '../stages/rate-limit.js';
import { csrfStage } from '../features/csrf/stage.js';
import { reloginStage, staleCookieGuard } from '../features/login/stage.js';
import { CsrfTokens } from '../features/csrf/tokens.js';
import { LoginCoordinator } from '../features/login/coordinator.js';
import type { PortRequestOptions, SessionPort } from '../features/port.js';
import { Port } from './port.js';
import { PROXY } from '../transport/proxy.js';
import { Transport, type RequestCounts } from '../transport/transport.js';
import type { OriginStats } from '../transport/agents.js';
import { appendParams, joinedHref, mergeParams, resolveUrl } from '../core/url.js';
import { redactUrl } from '../core/redact.js';
import { VERSION } from '../core/version.js';
import { explainRequest, type RequestExplanation } from './explain.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Options of a session, plus the jar to use. */
export interface SessionInit extends SessionOptions {
  /** The cookie jar; a new empty one by default. */
  cookies?: CookieJar;
  /** Save the session to this file after responses that changed it (debounced), and on `close()`; `true` with {@link Session.load} means the loaded file. */
  autosave?: boolean | string | AutosaveOptions;
}

/**
 * A persistent HTTP session: cookies, pooled keep-alive connections and shared settings that outlive
 * each request, like Python's `requests.Session`.
 *
 * @example
 * ```ts
 * import { Session } from 'sessio';
 * await using s = new Session({ baseUrl: 'http://127.0.0.1:8080' });
 * await s.post('/login', { form: { username: 'alice', password: 'secret' } });
 * const me = await (await s.get('/api/me')).json<{ user: string }>();
 * ```
 */
export class Session {
  /** The session's cookie jar. */
  readonly cookies: CookieJar;
  /** Headers sent with every request; change them freely (names are case-insensitive, values checked). */
  readonly headers: RequestHeaders;
  /**
   * Default headers bound to one origin each, added only to requests to that origin: secret headers
   * of a loaded session file, or an API key you want sent to one host only.
   * @example `s.originHeaders.bind('https://api.example.com', 'X-Api-Key', key)`
   */
  readonly originHeaders: OriginHeaders;
  /**
   * Digest credentials bound to one origin each, used for requests to it when neither the request
   * (its `auth` or URL), the session's `auth` nor a `login` for that origin gives credentials. Saved
   * with the session, in the owner-only file like `originHeaders`, whatever `includeCredentials`
   * says (that option is about the login's secrets), as the CLI's `-A digest -a` is.
   * @example `s.originAuth.bind('https://api.example.com', { type: 'digest', username, password })`
   */
  readonly originAuth: OriginAuth;
  /** The options the session was made with. */
  readonly config: Readonly<SessionInit>;
  /** A WHATWG `fetch` that goes through this session (cookies, auth, pool, redirects). */
  get fetch(): typeof globalThis.fetch {
    // Made on first use: most of the 10,000 forks of a load test never call it.
    return (this.#fetch ??= sessionFetch(this));
  }

  #fetch: typeof globalThis.fetch | undefined;
  readonly #transport: Transport;
  /** False when the transport was given (`transport` option, {@link Session.fork}): its owner closes it. */
  readonly #ownsTransport: boolean;
  readonly #requests: RequestCounts = {};
  readonly #sensitive: ReadonlySet<string>;
  readonly #log: Log;
  readonly #har = new HarRecorder();
  readonly #limiter: RateLimiter | undefined;
  readonly #auth: AuthScheme | undefined;
  readonly #saved = new SavedState();
  readonly #parts: PersistedParts;
  readonly #port: SessionPort;
  readonly #autosave: Autosave | undefined;
  readonly #csrf: CsrfTokens | undefined;
  readonly #login: LoginCoordinator | undefined;
  readonly #unlistenCookies: () => void;
  readonly #shared: SharedReplica | undefined;
  #send: Send | undefined;
  #sendOwn: Send | undefined;
  /** The log a fork takes over from the session it came from, while its constructor runs. */
  static #forkLog: Log | undefined;

  constructor(options: SessionInit = {}) {
    this.config = options;
    this.cookies = options.cookies ?? new CookieJar();
    this.headers = headerBag(applyHeaders(
      { 'user-agent': `sessio/${VERSION}`, accept: '*/*', 'accept-encoding': ACCEPT_ENCODING },
      options.headers,
    ));
    this.originHeaders = this.#saved.originHeaders;
    this.originAuth = this.#saved.originAuth;
    this.#auth = sessionAuthScheme(options.auth, options.baseUrl);
    this.#sensitive = options.sensitiveHeaders?.length ? new Set(options.sensitiveHeaders.map((h) => h.toLowerCase())) : NO_HEADERS;
    this.#log = Session.#forkLog ?? createLog(options.logger);
    this.#port = this.#makePort();
    // Cookies the jar ignores are logged like everything else (DEBUG=sessio:cookies or the logger).
    this.#unlistenCookies = this.cookies.addRejectListener((reason, info) => {
      const what = info.source === 'import' ? 'imported cookie' : 'Set-Cookie';
      log.debug('cookies', `ignored ${what}${info.name ? ` ${info.name}` : ''} from ${info.url ?? info.host ?? info.domain ?? 'unknown'}: ${reason}`, this.#port);
    });
    this.#csrf = options.csrf ? new CsrfTokens(options.csrf, this.#port) : undefined;
    this.#login = options.login ? new LoginCoordinator(options.login, this.#port, this.#csrf) : undefined;
    this.#parts = { cookies: this.cookies, headers: this.headers, baseUrl: options.baseUrl, csrf: this.#csrf, login: this.#login, saved: this.#saved };
    this.#shared = options.shared ? new SharedReplica(this.#parts, options.shared, this.#log) : undefined;
    if (this.#login && this.#shared) this.#login.fleet = this.#shared.fleet;
    if (options.har) this.#har.start(options.har === true ? {} : options.har);
    this.#ownsTransport = options.transport === undefined;
    this.#transport = options.transport ? sharedTransport(options) : new Transport({
      ...(options.pool && { pool: options.pool }),
      ...(options.tls && { tls: options.tls }),
      ...(typeof options.timeout === 'object' && options.timeout?.connect !== undefined && { connectTimeout: options.timeout.connect }),
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
      ...(options.trustEnv !== undefined && { trustEnv: options.trustEnv }),
      ...(options.maxHeaderSize !== undefined && { maxHeaderSize: checkedHeaderSize(options.maxHeaderSize) }),
      ...(options.http2 !== undefined && { http2: options.http2 }),
    });
    this.#limiter = options.rateLimit ? new RateLimiter(options.rateLimit, this.#shared?.budget) : undefined;
    const autosave = autosaveOptions(options.autosave);
    this.#autosave = autosave && new Autosave(this.#parts, autosave);
    this.#autosave?.markSaved();
  }

  /**
   * The pipeline of the caller's requests, outermost first; each stage lives in its own file. Built
   * at the first request, so a subclass that overrides this sees its own fields set.
   */
  protected stages(): Stage[] {
    return [
      ...(this.#shared ? [this.#shared.stage] : []),
      ...(this.#autosave ? [this.#autosave.stage] : []),
      ...(this.#login ? [reloginStage(this.#login)] : []),
      hookStage,
      userRedirects,
      retryStage,
      ...(this.#limiter ? [this.#limiter.stage] : []),
      ...this.#lowerStages(),
    ];
  }

  /** The stages of every hop, below redirects and retries; sessio's own requests run only these. */
  #lowerStages(): Stage[] {
    // Built once: both pipelines hold the same stage functions, not a copy of each per pipeline.
    return this.#lower ??= [
      ...(this.#csrf ? [csrfStage(this.#csrf)] : []),
      authStage,
      cookieStage(this.cookies),
      diagnoseStage(this.cookies),
      ...(this.#login ? [staleCookieGuard(this.#login)] : []),
      logStage,
      recordStage(this.#har),
    ];
  }

  #lower: Stage[] | undefined;
  #lowerComposed: Send | undefined;

  /** The lower stages composed once: both pipelines end in the same chain of closures. */
  #lowerSend(): Send {
    return (this.#lowerComposed ??= compose(this.#lowerStages(), this.#dispatch));
  }

  /** Composes the caller's pipeline onto the shared lower chain when it ends with it (a subclass may not). */
  #compose(stages: Stage[]): Send {
    const lower = this.#lowerStages();
    const upper = stages.length - lower.length;
    const endsWithLower = upper >= 0 && lower.every((stage, i) => stages[upper + i] === stage);
    return endsWithLower ? compose(stages.slice(0, upper), this.#lowerSend()) : compose(stages, this.#dispatch);
  }

  #dispatch = (req: PreparedRequest): Promise<Response> => this.#transport.send(req, this.#requests);

  /** What the CSRF and login features see of this session (features/port.ts). */
  #makePort(): SessionPort {
    return new Port(this.config.baseUrl, this.cookies, this.#log, (method, url, options) => this.#sendOwnRequest(method, url, options));
  }

  /**
   * Sends a request of sessio's own (a login, a CSRF token page) below the caller's hooks, retries,
   * rate limit, autosave and re-login, with defaults that suit it whatever the session's are.
   */
  async #sendOwnRequest(method: string, url: string | URL, options: PortRequestOptions = {}): Promise<Response> {
    const own: RequestOptions = {
      ...options,
      followRedirects: options.followRedirects ?? true,
      maxRedirects: Math.max(options.maxRedirects ?? this.config.maxRedirects ?? DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_REDIRECTS),
      throwHttpErrors: options.throwHttpErrors ?? false,
      stream: false,
    };
    const req = this.prepare(method, url, own);
    if (options.beforeRedirect) req.context.set(REDIRECT_GUARD, options.beforeRedirect);
    this.#sendOwn ??= compose([ownRedirects], this.#lowerSend());
    return this.#sendOwn(req);
  }

  /** Sends a request. `url` is resolved against `baseUrl`. */
  async request(method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> {
    const req = this.prepare(method, url, options);
    const { total } = req.settings.timeout;
    const userSignal = options.signal;
    const send = (this.#send ??= this.#compose(this.stages()));
    if (total === undefined && !userSignal) return finish(await send(req), req);
    const ac = new AbortController();
    req.settings.signal = ac.signal;
    const timer = total === undefined ? undefined : setTimeout(() => ac.abort(new TimeoutError('total', total, req.method, req.url)), total);
    const onAbort = () => ac.abort(new AbortError(req.method, req.url, userSignal?.reason));
    const unlisten = () => userSignal?.removeEventListener('abort', onAbort);
    if (userSignal?.aborted) onAbort();
    else userSignal?.addEventListener('abort', onAbort, { once: true });
    let streaming = false;
    try {
      const res = await finish(await send(req), req);
      // A streamed body stays cancellable through the signal until it is read or closed.
      streaming = res.body !== undefined && !res.body.closed;
      if (streaming) res.body!.once('close', unlisten);
      return res;
    } catch (err) {
      // undici reports an abort with its own error; the reason we gave says which one it was.
      if (ac.signal.aborted && ac.signal.reason instanceof Error) throw ac.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      if (!streaming) unlisten();
    }
  }

  /** Builds the request that {@link request} would send, without sending it. */
  prepare(method: string, url: string | URL, options: RequestOptions = {}): PreparedRequest {
    const m = method.toUpperCase();
    if (!TOKEN.test(m)) throw new RequestError(`Invalid HTTP method ${JSON.stringify(method)}`);
    const target = resolveUrl(url, this.config.baseUrl);
    const settings = resolveSettings(this.config as CoreRequestOptions, options);
    let auth = options.auth === undefined ? this.#auth ?? this.#savedAuth(target) : toAuthScheme(options.auth);
    if (target.username || target.password) {
      // Credentials in the URL are Basic auth for that request, as in requests, and never sent in the URL.
      auth ??= basicAuth(decodeUserinfo(target.username), decodeUserinfo(target.password));
      target.username = '';
      target.password = '';
    }
    if (this.config.params || options.params) appendParams(target, mergeParams(this.config.params, options.params));
    const written = options.pathAsIs && typeof url === 'string' ? writtenPath(joinedHref(url, this.config.baseUrl)) : undefined;
    // Secret headers of a loaded session file (or the CLI) go to the origin they were saved for only.
    const bound = this.#saved.originHeaders.for(target);
    const defaults = bound ? { ...this.headers, ...bound } : { ...this.headers };
    const headers = options.headers ? applyHeaders(defaults, options.headers) : defaults;
    const body = encodeBody(options, headers['content-type']);
    if (body) {
      if (body.contentType && (headers['content-type'] === undefined || body.multipart)) headers['content-type'] = body.contentType;
      if (body.contentLength !== undefined && typeof body.data !== 'string' && !(body.data instanceof Uint8Array)) headers['content-length'] = String(body.contentLength);
    }
    const req = new PreparedRequest({ method: m, url: target, headers, body, settings, sensitiveHeaders: this.#sensitive });
    const { context } = req;
    if (auth) context.set(AUTH, auth);
    if (written !== undefined) context.set(RAW_PATH, { href: target.href, path: written });
    context.set(LOG, this.#log);
    const hooks = mergeHooks(this.config.hooks, options.hooks);
    if (hooks) context.set(HOOKS, hooks);
    const retry = resolveRetry(this.config.retry, options.retry);
    if (retry.limit > 0) context.set(RETRY, retry);
    const proxy = options.proxy !== undefined ? options.proxy : this.config.proxy;
    if (proxy !== undefined) context.set(PROXY, proxy);
    const own = ownCookies(headers, options.cookies);
    if (own) context.set(REQUEST_COOKIES, own);
    return req;
  }

  /** Saved Digest credentials for the origin: the fallback below URL credentials, a login's and the session's `auth`. */
  #savedAuth(target: URL): AuthScheme | undefined {
    if (target.username || target.password || this.#login?.covers(target)) return undefined;
    return this.#saved.originAuth.for(target);
  }

  get(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('GET', url, options);
  }

  /**
   * A HEAD request that, like requests' `Session.head()`, does not follow redirects unless asked
   * (`{ followRedirects: true }`): the 3xx and its `Location` are usually what a HEAD is for.
   * `s.request('HEAD', url)` follows them like any other method.
   */
  head(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('HEAD', url, { ...options, followRedirects: options?.followRedirects ?? false });
  }

  options(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('OPTIONS', url, options);
  }

  delete(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', url, options);
  }

  post(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('POST', url, options);
  }

  put(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', url, options);
  }

  patch(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('PATCH', url, options);
  }

  /**
   * Logs in with the `login` option now (requests also log in by themselves when they find the session
   * expired). Throws `AuthenticationError` with the server's reason when refused.
   *
   * @example
   * ```ts
   * const s = new Session({ baseUrl, csrf: 'spring', login: formLogin({ url: '/login', username: 'alice', password: 'secret' }) });
   * await s.login();
   * ```
   */
  login(): Promise<void> {
    if (!this.#login) return Promise.reject(new RequestError('No login configured: pass the `login` option (formLogin, jwtLogin, clientCredentials…)'));
    return this.#login.login();
  }

  /**
   * Logs out where the login defines how (formLogin's `logoutUrl`), and forgets tokens and CSRF tokens.
   *
   * @example
   * ```ts
   * await s.logout(); // POST /logout with the CSRF token; the next request that needs it logs in again
   * ```
   */
  logout(): Promise<void> {
    if (!this.#login) return Promise.reject(new RequestError('No login configured: pass the `login` option'));
    return this.#login.logout();
  }

  /**
   * What a request to `url` would carry and why: each cookie of that host (sent, or the reason it is
   * withheld: path, Secure over http, expired, domain), whether the session's auth goes there, the CSRF
   * token known for the origin, and the names of the default headers. No value is included.
   *
   * @example
   * ```ts
   * const why = s.explain('/api/orders');
   * for (const c of why.cookies) if (!c.sent) console.log(c.name, c.detail); // JSESSIONID Path=/app does not match /api/orders
   * ```
   */
  explain(url: string | URL): RequestExplanation {
    const target = resolveUrl(url, this.config.baseUrl);
    return explainRequest(target, { cookies: this.cookies, headers: this.headers, bound: this.#saved.originHeaders.for(target), auth: this.#auth ?? this.#savedAuth(target), csrf: this.#csrf });
  }

  /** Starts recording traffic for {@link Session.har} (entries recorded so far are kept). */
  startHar(options?: HarOptions): void {
    this.#har.start(options);
  }

  /** Stops recording; {@link Session.har} still returns what was recorded. */
  stopHar(): void {
    this.#har.stop();
  }

  /**
   * The recorded traffic as a HAR 1.2 document (Chrome DevTools imports it), redacted unless
   * `{ redact: false }`. Record with the `har` option or {@link Session.startHar}.
   *
   * @example
   * ```ts
   * const s = new Session({ har: { maxEntries: 500 } });
   * await s.get('https://example.com/');
   * await writeFile('trace.har', JSON.stringify(s.har(), null, 2));
   * ```
   */
  har(options?: HarExportOptions): Har {
    return this.#har.toHar(options);
  }

  /**
   * Per-origin counters: this session's `requests`, and the `connections` opened and `open` now of its
   * transport (shared with the other sessions on it, for a fork or the `transport` option); with
   * `rateLimit`, also `queued`, `active`, `waits`, `waitedMs`, `pauses`.
   */
  stats(): Record<string, OriginStats & Partial<QueueStats>> {
    return withQueueStats(this.#transport.stats(this.#requests), this.#limiter);
  }

  /**
   * A session for another user on the same settings and connections: the same options and transport
   * (pools, TLS, proxies, HTTP/2), the current default headers, and its own empty cookie jar, CSRF
   * tokens, login state, HAR recording and counters. `overrides` replace options, typically `login`
   * or `auth`. The fork does not autosave unless told, and closing it leaves the shared connections
   * open: close the session it came from (or the transport) last.
   *
   * @example
   * ```ts
   * const base = new Session({ baseUrl, csrf: 'spring', pool: { connections: 32 } });
   * const alice = base.fork({ login: formLogin({ url: '/login', username: 'alice', password: 'a' }) });
   * const bob = base.fork({ login: formLogin({ url: '/login', username: 'bob', password: 'b' }) });
   * ```
   */
  fork(overrides: Omit<SessionInit, 'transport' | 'pool' | 'dispatcher' | 'trustEnv' | 'http2'> = {}): Session {
    const { pool: _pool, dispatcher: _dispatcher, trustEnv: _trustEnv, http2: _http2, cookies: _cookies, autosave: _autosave, ...settings } = this.config;
    // The log is configuration (logger, DEBUG sections): a fork with the same logger shares it, which
    // keeps a fork's own heap to its state.
    Session.#forkLog = overrides.logger === undefined ? this.#log : undefined;
    try {
      return new Session({ ...settings, headers: { ...this.headers }, ...overrides, transport: this.#transport });
    } finally {
      Session.#forkLog = undefined;
    }
  }

  /**
   * Saves cookies, default headers, base URL, CSRF tokens (per origin) and login tokens (access,
   * refresh, expiry) to `path` (JSON, mode 0600, written atomically); merges with what other
   * processes saved there meanwhile. Passwords and client secrets only with `includeCredentials: true`.
   */
  save(path: string, options?: SaveOptions): Promise<void> {
    return saveSession(this.#parts, path, options);
  }

  /**
   * A session restored from a file written by {@link Session.save}; `options` override the file.
   * Login strategies are not saved: give the same one again (`{ login: jwtLogin(...) }`) and it takes
   * the saved tokens, so no login is needed until they expire. Tokens and CSRF tokens stay bound to
   * the origins that issued them. A saved `csrf` profile comes back unless `options.csrf` is given.
   *
   * @example
   * ```ts
   * const s = await Session.load('api.json', { login: jwtLogin({ url: '/auth/token', username, password }) });
   * await s.get('/api/me'); // no login request: the saved access token is used, refreshed when due
   * ```
   */
  static load(path: string, options: SessionInit = {}): Promise<Session> {
    return loadSession(path, options, (init) => {
      const session = new Session({ ...init, autosave: autosaveOptions(options.autosave, path) ?? false });
      return { session, parts: session.#parts };
    });
  }

  /** Writes pending autosave changes, then closes the session's connections. Requests after this fail. */
  async close(): Promise<void> {
    try {
      await this.#autosave?.flush();
    } finally {
      this.#unlistenCookies();
      await this.#shared?.close();
      this.#limiter?.close();
      if (this.#ownsTransport) await this.#transport.close();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** `Session(baseUrl=http://api.example.com, cookies=3, csrf=spring, login=form)`: no secret, no internals. */
  toString(): string {
    const parts = [
      ...(this.config.baseUrl !== undefined ? [`baseUrl=${redactUrl(String(this.config.baseUrl))}`] : []),
      `cookies=${this.cookies.size}`,
      ...(this.#csrf ? [`csrf=${typeof this.config.csrf === 'string' ? this.config.csrf : 'custom'}`] : []),
      ...(this.#login ? [`login=${this.#login.strategy.kind ?? 'custom'}`] : []),
      ...(this.#limiter ? ['rateLimit'] : []),
      ...(this.#autosave ? ['autosave'] : []),
    ];
    return `Session(${parts.join(', ')})`;
  }

  /** What `console.log(session)` prints: {@link Session.toString}. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** The `transport` option, refusing the options that belong to a transport and would silently not apply. */
function sharedTransport(options: SessionInit): Transport {
  const clash = (['pool', 'dispatcher', 'trustEnv', 'http2'] as const).filter((k) => options[k] !== undefined);
  if (clash.length) throw new RequestError(`${clash.map((k) => `\`${k}\``).join(', ')} cannot be combined with \`transport\`: give ${clash.length > 1 ? 'them' : 'it'} to the Transport`);
  return options.transport!;
}

/** Shared by every session without `sensitiveHeaders`: an empty Set still costs a table per session. */
const NO_HEADERS: ReadonlySet<string> = new Set();

/** The redirect guard of one of sessio's own requests (a login must not follow its body elsewhere). */
const REDIRECT_GUARD = new ContextKey<BeforeRedirect>('redirectGuard');

const guardedRedirect: BeforeRedirect = async (next, res) => {
  await next.context.get(REDIRECT_GUARD)?.(next, res);
  log.redirect(next, res);
};

/** The redirect stages hold no session state: one of each for every session. */
const userRedirects = redirectStage(beforeRedirect);
const ownRedirects = redirectStage(guardedRedirect);

async function finish(res: Response, req: PreparedRequest): Promise<Response> {
  if (!req.settings.throwHttpErrors || res.status < 400) return res;
  await res.cancel(); // a streamed body would otherwise hold its socket
  return res.raiseForStatus();
}

function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch (err) {
    throw new RequestError('The credentials in the URL have an invalid %-escape', { cause: err });
  }
}

/** The request's own cookies: a user-set Cookie header (taken out, rebuilt per hop) and the `cookies` option. */
function ownCookies(headers: RequestHeaders, cookies: Record<string, string> | undefined): string | undefined {
  if (headers.cookie === undefined && cookies === undefined) return undefined; // the usual case, without allocations
  const parts: string[] = [];
  const given = headers.cookie;
  if (given !== undefined) {
    parts.push(Array.isArray(given) ? given.join('; ') : given);
    delete headers.cookie;
  }
  for (const [name, value] of Object.entries(cookies ?? {})) {
    if (/[;\r\n\0]/.test(name + value)) throw new RequestError(`Cookie ${JSON.stringify(name)} contains ';' or a control character`);
    parts.push(`${name}=${value}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

/** The `maxHeaderSize` option, refused early when undici would refuse it at the first request. */
function checkedHeaderSize(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 1) throw new RequestError(`maxHeaderSize must be a positive whole number of bytes, not ${bytes}`);
  return bytes;
}
