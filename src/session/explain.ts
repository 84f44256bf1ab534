// `session.explain(url)`: what the session would send to a URL and why, for the question every user
// asks first ("why do I get 401?"). Names and reasons only: no cookie value, token or password.
import type { AuthScheme } from '../auth/scheme.js';
import { sameAuthOrigin } from '../auth/scheme.js';
import type { CookieExplanation, CookieJar } from '../cookies/index.js';
import { redactUrl } from '../core/redact.js';
import type { RequestHeaders } from '../core/headers.js';
import type { CsrfTokens } from '../features/csrf/tokens.js';
import { boundOrigin } from '../stages/auth.js';

/** What a request to one URL would carry, as {@link Session.explain} reports it. */
export interface RequestExplanation {
  /** The URL, resolved against `baseUrl`, without userinfo or secret query values. */
  url: string;
  /** Every stored cookie of that host's site: sent or not, and why not. */
  cookies: CookieExplanation[];
  /** The session's `auth` (or Digest credentials saved for the origin): whether it is sent to this URL, and why not. */
  auth?: { sent: boolean; reason?: string };
  /** The CSRF token the session holds for this origin (sent on unsafe methods only). */
  csrf?: { header: string; source: 'cookie' | 'html' | 'json'; stale: boolean } | { header: undefined; reason: string };
  /** Names of the default headers sent there (values left out), origin-bound ones included. */
  headers: string[];
}

export interface ExplainParts {
  cookies: CookieJar;
  headers: Readonly<RequestHeaders>;
  bound: Readonly<RequestHeaders> | undefined;
  auth: AuthScheme | undefined;
  csrf: CsrfTokens | undefined;
}

export function explainRequest(url: URL, parts: ExplainParts): RequestExplanation {
  const out: RequestExplanation = {
    url: redactUrl(url.href),
    cookies: parts.cookies.explain(url),
    headers: [...new Set([...Object.keys(parts.headers), ...Object.keys(parts.bound ?? {})])],
  };
  if (parts.auth) out.auth = explainAuth(parts.auth, url);
  if (parts.csrf) {
    const t = parts.csrf.get(url);
    out.csrf = t ? { header: t.header, source: t.source, stale: t.stale } : { header: undefined, reason: 'no token known for this origin yet (one is learned from a page, cookie or the token URL)' };
  }
  return out;
}

function explainAuth(scheme: AuthScheme, url: URL): { sent: boolean; reason?: string } {
  const bound = boundOrigin(scheme);
  if (!bound || sameAuthOrigin(bound, url)) return { sent: true };
  return { sent: false, reason: `the session's auth is bound to its baseUrl origin ${bound.origin}; give auth per request for ${url.origin}` };
}
