import type { AuthInit } from '../auth/scheme.js';
import type { CookieJar } from '../cookies/index.js';
import type { Log } from '../core/log/index.js';
import type { CoreRequestOptions } from '../core/options.js';
import type { Response } from '../core/response.js';
import type { BeforeRedirect } from '../stages/redirects.js';

/** Options of a request a feature makes through its {@link SessionPort}. */
export interface PortRequestOptions extends CoreRequestOptions {
  /** Credentials for this request; `null` sends none (a login posts its own). Default: the session's. */
  auth?: AuthInit | null;
  /** Called before each redirect hop is sent; throw to refuse it (credentials must not follow a body elsewhere). */
  beforeRedirect?: BeforeRedirect;
}

/**
 * What a feature (CSRF tokens, a login) sees of the session it works for: its base URL, its jar, its
 * log, and a way to send sessio's own requests. Features take this port, never the `Session` class, so
 * they can be built and tested on a small stand-in, and the session stays the one owner of their state.
 *
 * Requests sent through the port run a lower pipeline: redirects, CSRF, auth, cookies, logging and HAR,
 * but not the caller's hooks, retries, rate limit, autosave or automatic re-login, so a login can never
 * wait on itself. Their defaults suit sessio's own work whatever the session's are: redirects followed
 * (at least 30), no `HTTPError` thrown, the body read before the promise resolves.
 */
export interface SessionPort {
  /** The session's `baseUrl`, if it has one. */
  readonly baseUrl: URL | undefined;
  /** The session's cookie jar. */
  readonly cookies: CookieJar;
  /** The session's log (`DEBUG=sessio*` or the `logger` option). */
  readonly log: Log;
  /** Resolves `url` against the `baseUrl`. */
  resolve(url: string | URL): URL;
  /** Sends a request of sessio's own (see above). */
  request(method: string, url: string | URL, options?: PortRequestOptions): Promise<Response>;
  get(url: string | URL, options?: PortRequestOptions): Promise<Response>;
  post(url: string | URL, options?: PortRequestOptions): Promise<Response>;
}
