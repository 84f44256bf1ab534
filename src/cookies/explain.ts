// Why a stored cookie is or is not sent to a URL: the checks of the jar's Cookie-header lookup
// (RFC 6265bis 5.8.3), one by one, so that "why do I get 401?" has an answer.
import type { SameSite } from './cookie.js';
import { domainMatch } from './domain.js';
import { pathMatch } from './path.js';
import type { StoredCookie } from './stored-cookie.js';

/**
 * Why a cookie is withheld from a request:
 * - `domain`: the request host is neither the cookie's domain nor a subdomain of it;
 * - `hostOnly`: the cookie was set without Domain, so only its own host gets it, not a subdomain;
 * - `path`: the request path is not within the cookie's Path;
 * - `secure`: a Secure cookie and a request over http (to a host other than localhost/loopback);
 * - `httpOnly`: an HttpOnly cookie and a non-HTTP API (`{ http: false }`);
 * - `expired`: its Expires or Max-Age has passed.
 *
 * SameSite and Partitioned are not reasons: the jar has no browsing context (no top-level site), so
 * like other HTTP clients it sends such cookies as a same-site request would.
 */
export type CookieWithheldReason = 'domain' | 'hostOnly' | 'path' | 'secure' | 'httpOnly' | 'expired';

/** One stored cookie and whether a request gets it; never the cookie's value. */
export interface CookieExplanation {
  name: string;
  /** The cookie's domain (the host itself for a host-only cookie). */
  domain: string;
  path: string;
  hostOnly: boolean;
  secure: boolean;
  httpOnly: boolean;
  sameSite: SameSite;
  partitioned: boolean;
  /** Expiry time (ms since the epoch); undefined for a session cookie. */
  expires: number | undefined;
  /** Whether the request's Cookie header includes it. */
  sent: boolean;
  /** When not sent, the first failed check, in the order above. */
  reason?: CookieWithheldReason;
  /** When not sent, every failed check in words, e.g. `Path=/api does not match /login`. */
  detail?: string;
}

/** The request as the checks see it. */
export interface ExplainedRequest {
  host: string;
  path: string;
  /** A secure origin: https, or http to localhost or a loopback address. */
  secure: boolean;
  http: boolean;
  now: number;
}

/** Every check `c` fails for `req`, as [reason, words], in {@link CookieWithheldReason} order. */
function failedChecks(c: StoredCookie, req: ExplainedRequest): [CookieWithheldReason, string][] {
  const failed: [CookieWithheldReason, string][] = [];
  if (!domainMatch(req.host, c.domain)) {
    failed.push(['domain', c.hostOnly ? `set by ${c.domain} (host-only), not ${req.host}` : `Domain=${c.domain} does not cover ${req.host}`]);
  } else if (c.hostOnly && c.domain !== req.host) {
    failed.push(['hostOnly', `host-only cookie of ${c.domain} (set without Domain), not sent to its subdomain ${req.host}`]);
  }
  if (!pathMatch(req.path, c.path)) failed.push(['path', `Path=${c.path} does not match ${req.path}`]);
  if (c.secure && !req.secure) failed.push(['secure', 'Secure cookie, request not from a secure origin (https or localhost)']);
  if (c.httpOnly && !req.http) failed.push(['httpOnly', 'HttpOnly cookie, request through a non-HTTP API']);
  if (c.isExpired(req.now)) failed.push(['expired', `expired ${expiryText(c.expires!)}`]);
  return failed;
}

function expiryText(expires: number): string {
  const d = new Date(expires);
  return Number.isNaN(d.getTime()) ? 'long ago' : `at ${d.toISOString()}`;
}

/** The explanation of one cookie for `req`. */
export function explainCookie(c: StoredCookie, req: ExplainedRequest): CookieExplanation {
  const e: CookieExplanation = {
    name: c.name,
    domain: c.domain,
    path: c.path,
    hostOnly: c.hostOnly,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
    partitioned: c.partitioned,
    expires: c.expires,
    sent: true,
  };
  const failed = failedChecks(c, req);
  if (failed.length > 0) {
    e.sent = false;
    e.reason = failed[0]![0];
    e.detail = failed.map(([, words]) => words).join('; ');
  }
  return e;
}
