import type { Response } from '../../core/response.js';

/** How much of a page is searched for a password field: login forms sit near the top. */
const SCAN_LIMIT = 64 * 1024;
const TYPE_PASSWORD = /^type\s*=\s*["']?password/;

/**
 * Whether the page has `<input … type=password>` in its first 64 KB. A scan with indexOf, linear in
 * the input: a backtracking regex over `<input[^>]*` is quadratic on a page of repeated `<input `.
 */
export function hasPasswordInput(html: string): boolean {
  const text = html.slice(0, SCAN_LIMIT).toLowerCase();
  let at = text.indexOf('<input');
  while (at >= 0) {
    const end = text.indexOf('>', at);
    const tag = text.slice(at + 6, end < 0 ? text.length : end);
    if (/^[\s/]/.test(tag) || tag === '') {
      // Each tag is looked at once: the next search starts after it.
      for (let i = tag.indexOf('type'); i >= 0; i = tag.indexOf('type', i + 4)) {
        if (/[\s/"']/.test(tag[i - 1] ?? '') && TYPE_PASSWORD.test(tag.slice(i, i + 40))) return true;
      }
    }
    if (end < 0) return false;
    at = text.indexOf('<input', end);
  }
  return false;
}

function isLoginPage(url: string | URL | null, login: URL, base?: string): boolean {
  if (url === null) return false;
  try {
    const u = new URL(url, base);
    return u.origin === login.origin && u.pathname === login.pathname;
  } catch {
    return false;
  }
}

/** Whether the caller asked for JSON and not for HTML. */
function wantsJson(sent: { readonly headers: Readonly<Record<string, string | string[]>> }): boolean {
  const accept = String(sent.headers.accept ?? '').toLowerCase();
  return accept.includes('json') && !accept.includes('html');
}

// Spring Security's MissingCsrfTokenException (4.x–6.x, and 3.2's older wording): the session that
// held the token is gone.
const SESSION_NOT_FOUND = /CSRF token because your session was not found|Expected CSRF token not found\. Has your session expired/i;
// ConcurrentSessionFilter's ResponseBodySessionInformationExpiredStrategy answers 200 with this text.
const SESSION_EXPIRED_TEXT = /^This session has been expired \(possibly due to multiple concurrent logins/;

/** Spring's CSRF filter refusing a token because the session that held it expired: a 403 saying so. */
export function isSessionNotFound(res: Response): boolean {
  return res.status === 403 && res.body === undefined && SESSION_NOT_FOUND.test(res.peekText());
}

/** Spring's ConcurrentSessionFilter: a 200 whose body says the session was expired (another login of the user). */
export function isConcurrentSessionExpiry(res: Response): boolean {
  return res.status === 200 && res.body === undefined && SESSION_EXPIRED_TEXT.test(res.peekText().trimStart());
}

/** Whether the response's first hop redirected to the login page. */
function redirectedToLogin(res: Response, login: URL): boolean {
  const first = res.history[0] ?? res;
  return first.status >= 300 && first.status < 400 && isLoginPage(first.headers.get('location'), login, first.url);
}

/**
 * Whether the server's security layer refused the request before its application ran: a 401, a first
 * hop redirected to the login page, an expired-session answer. Only meaningful for servers whose
 * security runs in front of the application (Spring Security's filter chain).
 */
export function refusedBeforeApplication(res: Response, login: URL): boolean {
  return res.status === 401 || redirectedToLogin(res, login) || isSessionNotFound(res) || isConcurrentSessionExpiry(res);
}

/**
 * The built-in signs that a session is no longer logged in: a 401; a redirect to the login page (followed
 * or not); an HTML page with a password field where JSON was asked for; Spring's answers for an expired
 * session (a CSRF 403 "your session was not found", ConcurrentSessionFilter's "This session has been
 * expired" text). What re-login uses; useful in your own `isLoggedOut` to add a sign of your API's.
 *
 * @param login the login page's URL (for `formLogin`, its `url` resolved against `baseUrl`)
 * @example
 * ```ts
 * import { looksLoggedOut } from 'sessio';
 * if (looksLoggedOut(res, new URL('/login', baseUrl))) console.log('the session has expired');
 * ```
 */
export function looksLoggedOut(res: Response, login: URL): boolean {
  const asked = res.history[0]?.request ?? res.request;
  if (isLoginPage(asked.url, login)) return false; // the login page itself is not a sign of anything
  if (res.status === 401) return true;
  if (res.history.some((hop) => isLoginPage(hop.headers.get('location'), login, hop.url))) return true;
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && isLoginPage(location, login, res.url)) return true;
  if (isLoginPage(res.url, login) && res.history.length > 0) return true;
  if (isSessionNotFound(res) || isConcurrentSessionExpiry(res)) return true;
  return wantsJson(res.request) && isHtmlLoginPage(res);
}

/** A 200 HTML page, already read, with a password field: a login page, wherever it was served. */
export function isHtmlLoginPage(res: Response): boolean {
  const type = res.headers.get('content-type') ?? '';
  return res.status === 200 && /html/i.test(type) && res.body === undefined && hasPasswordInput(res.peekText());
}
