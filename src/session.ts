import { encodeBody } from './body.js';
import { resolveSettings, type RequestOptions, type SessionOptions } from './config.js';
import { CookieJar } from './jar.js';
import { ACCEPT_ENCODING } from './decode.js';
import { AbortError, RequestError, TimeoutError } from './errors.js';
import { applyHeaders, type RequestHeaders } from './headers.js';
import { sessionFetch } from './fetch.js';
import { compose, type Send, type Stage } from './pipeline.js';
import { PreparedRequest } from './request.js';
import type { Response } from './response.js';
import { AUTH, authStage, basicAuth, toAuthScheme, type AuthScheme } from './stages/auth.js';
import { cookieStage, REQUEST_COOKIES } from './stages/cookies.js';
import { redirectStage } from './stages/redirects.js';
import { Transport } from './transport/transport.js';
import type { OriginStats } from './transport/agents.js';
import { appendParams, mergeParams, resolveUrl } from './url.js';
import { VERSION } from './version.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Options of a session, plus the jar to use. */
export interface SessionInit extends SessionOptions {
  /** The cookie jar; a new empty one by default. */
  cookies?: CookieJar;
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
  /** Headers sent with every request (lower-case names); change them freely. */
  readonly headers: RequestHeaders;
  /** The options the session was made with. */
  readonly config: Readonly<SessionInit>;
  /** A WHATWG `fetch` that goes through this session (cookies, auth, pool, redirects). */
  readonly fetch: typeof globalThis.fetch;
  readonly #transport: Transport;
  readonly #send: Send;
  readonly #sensitive: ReadonlySet<string>;
  #auth: AuthScheme | undefined;

  constructor(options: SessionInit = {}) {
    this.config = options;
    this.cookies = options.cookies ?? new CookieJar();
    this.headers = applyHeaders(
      { 'user-agent': `sessio/${VERSION}`, accept: '*/*', 'accept-encoding': ACCEPT_ENCODING },
      options.headers,
    );
    this.#auth = toAuthScheme(options.auth);
    this.#sensitive = new Set((options.sensitiveHeaders ?? []).map((h) => h.toLowerCase()));
    this.#transport = new Transport({
      ...(options.pool && { pool: options.pool }),
      ...(options.tls && { tls: options.tls }),
      ...(typeof options.timeout === 'object' && options.timeout?.connect !== undefined && { connectTimeout: options.timeout.connect }),
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
    });
    this.#send = compose(this.stages(), (req) => this.#transport.send(req));
    this.fetch = sessionFetch(this);
  }

  /** The pipeline, outermost first. Each stage lives in its own file under `stages/`. */
  protected stages(): Stage[] {
    return [redirectStage(), authStage, cookieStage(this.cookies)];
  }

  /** Sends a request. `url` is resolved against `baseUrl`. */
  async request(method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> {
    const req = this.prepare(method, url, options);
    const { total } = req.settings.timeout;
    const userSignal = options.signal;
    if (total === undefined && !userSignal) return finish(await this.#send(req), req);
    const ac = new AbortController();
    req.settings.signal = ac.signal;
    const timer = total === undefined ? undefined : setTimeout(() => ac.abort(new TimeoutError('total', total, req.method, req.url)), total);
    const onAbort = () => ac.abort(new AbortError(req.method, req.url, userSignal?.reason));
    if (userSignal?.aborted) onAbort();
    else userSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      return finish(await this.#send(req), req);
    } catch (err) {
      // undici reports an abort with its own error; the reason we gave says which one it was.
      if (ac.signal.aborted && ac.signal.reason instanceof Error) throw ac.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onAbort);
    }
  }

  /** Builds the request that {@link request} would send, without sending it. */
  prepare(method: string, url: string | URL, options: RequestOptions = {}): PreparedRequest {
    const m = method.toUpperCase();
    if (!TOKEN.test(m)) throw new RequestError(`Invalid HTTP method ${JSON.stringify(method)}`);
    const target = resolveUrl(url, this.config.baseUrl);
    const settings = resolveSettings(this.config, options);
    let auth = options.auth === undefined ? this.#auth : toAuthScheme(options.auth);
    if (target.username || target.password) {
      // Credentials in the URL are Basic auth for that request, as in requests, and never sent in the URL.
      auth ??= basicAuth(decodeURIComponent(target.username), decodeURIComponent(target.password));
      target.username = '';
      target.password = '';
    }
    if (this.config.params || options.params) appendParams(target, mergeParams(this.config.params, options.params));
    const headers = options.headers ? applyHeaders({ ...this.headers }, options.headers) : { ...this.headers };
    const body = encodeBody(options);
    if (body) {
      if (body.contentType && headers['content-type'] === undefined) headers['content-type'] = body.contentType;
      if (body.contentLength !== undefined && typeof body.data !== 'string' && !(body.data instanceof Uint8Array)) headers['content-length'] = String(body.contentLength);
    }
    const req = new PreparedRequest({ method: m, url: target, headers, body, settings, sensitiveHeaders: this.#sensitive });
    if (auth) req.context[AUTH] = auth;
    const own = ownCookies(headers, options.cookies);
    if (own) req.context[REQUEST_COOKIES] = own;
    return req;
  }

  get(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('GET', url, options);
  }

  head(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('HEAD', url, options);
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

  /** Per-origin connection and request counters. */
  stats(): Record<string, OriginStats> {
    return this.#transport.stats();
  }

  /** Closes the session's connections. Requests after this fail. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function finish(res: Response, req: PreparedRequest): Response {
  return req.settings.throwHttpErrors ? res.raiseForStatus() : res;
}

/** The request's own cookies: a user-set Cookie header (taken out, rebuilt per hop) and the `cookies` option. */
function ownCookies(headers: RequestHeaders, cookies: Record<string, string> | undefined): string | undefined {
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
