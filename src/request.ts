import type { EncodedBody } from './body.js';
import type { ResolvedSettings } from './config.js';
import { safeUrl } from './errors.js';
import type { RequestHeaders } from './headers.js';
import { redactHeaders } from './redact.js';

/**
 * A request ready to send: method, URL, headers and body after the session's and the request's options
 * are merged. Stages (auth, CSRF, cookies, redirects…) change it before each hop goes out; what a hop
 * actually sent is kept on its response as `response.request`.
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
  /** Free slots for stages to keep per-request state (e.g. "already re-logged in"). */
  readonly context: Record<string, unknown> = {};

  constructor(init: {
    method: string;
    url: URL;
    headers: RequestHeaders;
    body: EncodedBody | undefined;
    settings: ResolvedSettings;
    sensitiveHeaders: ReadonlySet<string>;
  }) {
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.body = init.body;
    this.settings = init.settings;
    this.originalUrl = init.url;
    this.sensitiveHeaders = init.sensitiveHeaders;
  }

  /** Whether `url` is the origin this request's credentials belong to. */
  isOriginal(url: URL = this.url): boolean {
    return url.origin === this.originalUrl.origin;
  }

  /** A snapshot of what goes on the wire for this hop. */
  snapshot(): SentRequest {
    return new SentRequest(this.method, this.url.href, { ...this.headers }, this.sensitiveHeaders);
  }
}

/** What one hop sent: method, URL and headers. `toString()` is redacted. */
export class SentRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Readonly<RequestHeaders>,
    private readonly sensitive: ReadonlySet<string>,
  ) {}

  /** Headers with credentials, cookies and tokens replaced by `[REDACTED]`. */
  redactedHeaders(): RequestHeaders {
    return redactHeaders(this.headers, this.sensitive);
  }

  toString(): string {
    const lines = [`${this.method} ${safeUrl(this.url)}`];
    for (const [k, v] of Object.entries(this.redactedHeaders())) lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    return lines.join('\n');
  }

  toJSON(): { method: string; url: string; headers: RequestHeaders } {
    return { method: this.method, url: safeUrl(this.url), headers: this.redactedHeaders() };
  }
}
