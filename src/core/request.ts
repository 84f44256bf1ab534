import type { EncodedBody } from './body.js';
import { RequestContext } from './context.js';
import type { ResolvedSettings } from './options.js';
import { copyHeaders, type RequestHeaders } from './headers.js';
import { inspectRedacted, redactHeaders, redactUrl } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
import { toCurl, type CurlOptions } from './curl.js';
import { RAW_PATH, wirePath } from './path-as-is.js';
import { snapshotBody, type BodySnapshot } from './log/body.js';

/** What a new hop changes of the request it follows. */
export interface HopInit {
  method?: string;
  url?: URL;
  /** The new hop's headers, taken as they are (not copied): pass an object built for it. */
  headers?: RequestHeaders;
  body?: EncodedBody | undefined;
}

/**
 * A request ready to send: method, URL, headers and body after the session's and the request's options
 * are merged. Each hop is a request of its own: a stage that sends more than once (redirects, retries,
 * a CSRF or auth replay) sends a fresh {@link PreparedRequest.nextHop} or {@link PreparedRequest.resend},
 * so what a stage adds to one hop (credentials, cookies, a token) never leaks into the next. What a
 * hop actually sent is kept on its response as `response.request`.
 */
export class PreparedRequest {

  method: string;
  url: URL;
  headers: RequestHeaders;
  body: EncodedBody | undefined;
  readonly settings: ResolvedSettings;
  /** The URL the user asked for: credentials and tokens are bound to its origin. */
  readonly originalUrl: URL;
  /** Header names (lower-case) redacted and dropped across origins. */
  readonly sensitiveHeaders: ReadonlySet<string>;
  /** Typed slots for the stages' per-call and per-hop state. */
  readonly context: RequestContext;

  constructor(init: {
    method: string;
    url: URL;
    headers: RequestHeaders;
    body: EncodedBody | undefined;
    settings: ResolvedSettings;
    sensitiveHeaders: ReadonlySet<string>;
    originalUrl?: URL;
    context?: RequestContext;
  }) {
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.body = init.body;
    this.settings = init.settings;
    this.originalUrl = init.originalUrl ?? init.url;
    this.sensitiveHeaders = init.sensitiveHeaders;
    this.context = init.context ?? new RequestContext();
  }

  /**
   * The next hop of this call: a new request with its own copy of the headers (changed by `init`),
   * the same settings, origin binding and call state, and empty per-hop state.
   */
  nextHop(init: HopInit = {}): PreparedRequest {
    return new PreparedRequest({
      method: init.method ?? this.method,
      url: init.url ?? this.url,
      headers: init.headers ?? copyHeaders(this.headers),
      body: 'body' in init ? init.body : this.body,
      settings: this.settings,
      sensitiveHeaders: this.sensitiveHeaders,
      originalUrl: this.originalUrl,
      context: this.context.forHop(),
    });
  }

  /** This hop once more, with a fresh copy of its body; undefined when the body cannot be sent again. */
  resend(): PreparedRequest | undefined {
    if (this.body && !this.body.replay) return undefined;
    return this.nextHop({ body: this.body?.replay?.() });
  }

  /** Whether `url` is the origin this request's credentials belong to. */
  isOriginal(url: URL = this.url): boolean {
    return url.origin === this.originalUrl.origin;
  }

  /** A snapshot of what goes on the wire for this hop. */
  snapshot(): SentRequest {
    const raw = this.context.get(RAW_PATH);
    const url = raw === undefined ? this.url.href : this.url.origin + wirePath(this.url, raw);
    return new SentRequest(this.method, url, { ...this.headers }, this.sensitiveHeaders, {
      body: snapshotBody(this.body),
      insecure: this.settings.tls?.rejectUnauthorized === false,
      customCa: this.settings.tls?.ca !== undefined,
      clientCert: this.settings.tls?.cert !== undefined,
    });
  }

  /**
   * A curl command for this request as prepared so far: credentials and cookies that stages add on
   * the way out (auth, jar, CSRF) appear only in `response.request.toCurl()`. Redacted by default.
   *
   * @example
   * ```ts
   * console.log(s.prepare('POST', '/api/items', { json: { name: 'x' } }).toCurl());
   * ```
   */
  toCurl(options?: CurlOptions): string {
    return this.snapshot().toCurl(options);
  }

  /** `console.log(req)`: the fields, with credentials, cookies, tokens and TLS keys redacted. */
  [INSPECT](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspectRedacted.call(this, depth, options, inspect);
  }
}

interface SentRequestExtra {
  readonly body?: BodySnapshot | undefined;
  readonly insecure?: boolean;
  readonly customCa?: boolean;
  readonly clientCert?: boolean;
}

/** What one hop sent: method, URL and headers. `toString()` is redacted. */
export class SentRequest {
  /** @internal sessio records one per hop; users read them from `r.request` and `r.history`. */
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Readonly<RequestHeaders>,
    /** Header names (lower-case) redacted as secrets, besides the ones every session redacts. */
    readonly sensitiveHeaders: ReadonlySet<string>,
    extra: SentRequestExtra = {},
  ) {
    this.#extra = extra;
  }

  // A true private field, so that `console.log(r.request)` shows the hop, not sessio's TLS bookkeeping.
  readonly #extra: SentRequestExtra;

  /** The request target as sent: path and query (a `pathAsIs` path keeps its dot segments). */
  get target(): string {
    return this.url.slice(new URL(this.url).origin.length);
  }

  /** What the body was: in-memory bodies are referenced (not copied), streams only described. */
  get body(): BodySnapshot | undefined {
    return this.#extra.body;
  }

  /**
   * A copy-pasteable curl command that sends this hop again, redacted unless `{ redact: false }`.
   *
   * @example
   * ```ts
   * const r = await s.post('/api/items', { json: { name: 'x' } });
   * console.log(r.request.toCurl());                   // Authorization: Bearer [REDACTED] …
   * console.log(r.request.toCurl({ redact: false }));  // the real thing, to replay it
   * ```
   */
  toCurl(options?: CurlOptions): string {
    return toCurl({
      method: this.method,
      url: this.url,
      headers: this.headers,
      body: this.#extra.body,
      insecure: this.#extra.insecure ?? false,
      customCa: this.#extra.customCa ?? false,
      clientCert: this.#extra.clientCert ?? false,
      sensitive: this.sensitiveHeaders,
    }, options);
  }

  /** Headers with credentials, cookies and tokens replaced by `[REDACTED]`. */
  redactedHeaders(): RequestHeaders {
    return redactHeaders(this.headers, this.sensitiveHeaders);
  }

  toString(): string {
    const lines = [`${this.method} ${redactUrl(this.url)}`];
    for (const [k, v] of Object.entries(this.redactedHeaders())) lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    return lines.join('\n');
  }

  toJSON(): { method: string; url: string; headers: RequestHeaders } {
    return { method: this.method, url: redactUrl(this.url), headers: this.redactedHeaders() };
  }

  /** `console.log(r.request)`: the fields, with credentials, cookies and tokens redacted. */
  [INSPECT](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspectRedacted.call(this, depth, options, inspect);
  }
}
