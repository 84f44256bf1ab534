/** A token-carrying cookie and the header its value is echoed in (the double-submit pattern). */
export interface CsrfCookieSource {
  name: string;
  header: string;
}

/** Where a framework hands out its CSRF token, and how it wants it back. */
export interface CsrfProfile {
  /** Header for tokens whose source does not name one (meta tags, hidden inputs, JSON without `headerName`). */
  header: string;
  /** A cookie holding the token; its value is URL-decoded and sent in `cookie.header`. */
  cookie?: CsrfCookieSource;
  /** `<meta name="…" content="token">`, and the meta naming the header (Spring's `_csrf_header`). */
  meta?: { token: string; header?: string };
  /** Names of hidden `<input>`s holding the token. */
  hiddenInputs?: readonly string[];
  /** A URL (relative to `baseUrl`) answering JSON such as `{ headerName, parameterName, token }`. */
  tokenUrl?: string | URL;
  /** Send a same-origin `Referer` with unsafe https requests (Django checks it). */
  referer?: boolean;
  /** Whether an error response is the framework refusing the CSRF token; `text` is undefined when streaming. */
  isFailure?: (status: number, text: string | undefined) => boolean;
  /**
   * Cookie tokens may have to be sent masked (Spring Security 6's XorCsrfTokenRequestAttributeHandler):
   * sent plain first, masked after a refusal, and the form the server accepted is kept per origin.
   */
  masking?: boolean;
  /**
   * Response headers that carry a session id instead of a cookie (Spring Session's
   * HeaderHttpSessionIdResolver: `X-Auth-Token`, `Authentication-Info`), sent back to that origin.
   */
  sessionHeaders?: readonly string[];
  /**
   * The framework's security filters answer 401, a redirect to the login page and CSRF refusals before
   * the application runs: a request refused so was not executed, and is replayed after a re-login
   * whatever its method.
   */
  refusesBeforeApplication?: boolean;
}

/** Names of the built-in profiles. */
export type CsrfProfileName = 'spring' | 'django' | 'rails' | 'angular' | 'laravel';

/** The `csrf` option: a profile name, or a profile (a built-in one with overrides, or your own). */
export type CsrfInit = CsrfProfileName | (Partial<CsrfProfile> & { profile?: CsrfProfileName });

const XSRF_COOKIE: CsrfCookieSource = { name: 'XSRF-TOKEN', header: 'x-xsrf-token' };

/**
 * Spring Security's refusal of a CSRF token (an unsafe request that got 403): its own messages
 * (InvalidCsrfTokenException, MissingCsrfTokenException, in Tomcat's error page or Boot's JSON when
 * `server.error.include-message` shows them), Boot's JSON error body without a message (Boot 3's
 * default hides it), or an empty body (a bare `sendError(403)`). Boot's body cannot tell a CSRF refusal
 * from an authorization one; both come from filters before the application, so the one replay with
 * a fresh token is harmless.
 */
export function isSpringCsrfRefusal(status: number, text: string | undefined): boolean {
  if (status !== 403 || text === undefined) return false;
  const body = text.trim();
  if (body === '' || /csrf/i.test(body)) return true;
  if (!body.startsWith('{')) return false;
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    return j.status === 403 && typeof j.error === 'string' && (typeof j.message !== 'string' || j.message === '' || /forbidden|access denied/i.test(j.message));
  } catch {
    return false;
  }
}

/** Built-in profiles, from each framework's defaults. */
export const CSRF_PROFILES: Readonly<Record<CsrfProfileName, CsrfProfile>> = {
  // Spring Security: HttpSessionCsrfTokenRepository (meta/hidden/endpoint) or CookieCsrfTokenRepository.
  spring: {
    header: 'x-csrf-token',
    cookie: XSRF_COOKIE,
    meta: { token: '_csrf', header: '_csrf_header' },
    hiddenInputs: ['_csrf'],
    isFailure: isSpringCsrfRefusal,
    masking: true,
    sessionHeaders: ['x-auth-token', 'authentication-info'],
    refusesBeforeApplication: true,
  },
  django: {
    header: 'x-csrftoken',
    cookie: { name: 'csrftoken', header: 'x-csrftoken' },
    hiddenInputs: ['csrfmiddlewaretoken'],
    referer: true,
    isFailure: (status, text) => status === 403 && text !== undefined && /CSRF (verification )?fail/i.test(text),
  },
  rails: {
    header: 'x-csrf-token',
    meta: { token: 'csrf-token' },
    hiddenInputs: ['authenticity_token'],
    isFailure: (status, text) => (status === 422 || status === 403) && text !== undefined && /authenticity.?token/i.test(text),
  },
  angular: {
    header: 'x-xsrf-token',
    cookie: XSRF_COOKIE,
    isFailure: (status, text) => status === 403 && text !== undefined && /[cx]srf/i.test(text),
  },
  // Laravel's VerifyCsrfToken answers 419 "Page Expired" / "CSRF token mismatch."
  laravel: {
    header: 'x-csrf-token',
    cookie: XSRF_COOKIE,
    meta: { token: 'csrf-token' },
    hiddenInputs: ['_token'],
    isFailure: (status) => status === 419,
  },
};

/** Turns the `csrf` option into a full profile. */
export function toCsrfProfile(init: CsrfInit): CsrfProfile {
  if (typeof init === 'string') return profileNamed(init);
  const { profile, ...custom } = init;
  const base = profile ? profileNamed(profile) : undefined;
  const header = custom.header ?? base?.header;
  if (!header) throw new TypeError('A custom csrf profile needs `header` (the header the token is sent in) or `profile`');
  return { ...base, ...custom, header: header.toLowerCase() };
}

function profileNamed(name: string): CsrfProfile {
  const found = (CSRF_PROFILES as Record<string, CsrfProfile | undefined>)[name];
  if (!found) throw new TypeError(`Unknown csrf profile ${JSON.stringify(name)}: use one of ${Object.keys(CSRF_PROFILES).join(', ')} or a custom profile`);
  return found;
}
