import type { PreparedRequest } from '../../core/request.js';
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
function wantsJson(req: PreparedRequest): boolean {
  const accept = String(req.headers.accept ?? '').toLowerCase();
  return accept.includes('json') && !accept.includes('html');
}

/**
 * The built-in signs that a session is no longer logged in: a 401; a redirect to the login page (followed
 * or not); an HTML page with a password field where JSON was asked for.
 */
export function looksLoggedOut(res: Response, req: PreparedRequest, login: URL): boolean {
  if (isLoginPage(req.originalUrl, login)) return false; // the login page itself is not a sign of anything
  if (res.status === 401) return true;
  if (res.history.some((hop) => isLoginPage(hop.headers.get('location'), login, hop.url))) return true;
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && isLoginPage(location, login, res.url)) return true;
  if (isLoginPage(res.url, login) && res.history.length > 0) return true;
  return wantsJson(req) && isHtmlLoginPage(res);
}

/** A 200 HTML page, already read, with a password field: a login page, wherever it was served. */
export function isHtmlLoginPage(res: Response): boolean {
  const type = res.headers.get('content-type') ?? '';
  return res.status === 200 && /html/i.test(type) && res.body === undefined && hasPasswordInput(res.peekText());
}
