import type { Response } from '../index.js';

/**
 * Whether a response says the saved login is gone: 401, a redirect to the login page, or landing on
 * it. Used only to give a hint when no password is at hand for the library's automatic re-login.
 */
export function looksLoggedOut(res: Response, loginUrl: string): boolean {
  if (res.status === 401) return true;
  const login = new URL(loginUrl, res.url);
  const onLogin = (u: URL) => u.origin === login.origin && u.pathname === login.pathname;
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    try {
      if (onLogin(new URL(location, res.url))) return true;
    } catch {
      return false;
    }
  }
  return res.history.length > 0 && onLogin(new URL(res.url));
}
