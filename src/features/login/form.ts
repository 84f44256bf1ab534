import { AuthenticationError } from '../../core/errors.js';
import { log } from '../../core/log/index.js';
import type { Response } from '../../core/response.js';
import { findLoginForm, findPageMessage, type LoginForm } from './page.js';
import type { LoginContext, LoginCredentials, LoginStrategy, ReloginOptions } from './types.js';
import { defaultOrigins } from './origins.js';
import { credentialRequest } from './requests.js';

/** Options of {@link formLogin}. */
export interface FormLoginOptions extends ReloginOptions {
  /** The login page (relative to `baseUrl`): fetched with GET, its form posted. */
  url: string | URL;
  username: string;
  password: string;
  /** Extra or overriding form fields (`{ 'remember-me': 'on' }`); they win over the page's own. */
  fields?: Record<string, string>;
  /** The username field name, when the page's form cannot tell (default: the text input before the password). */
  usernameField?: string;
  /** The password field name (default: the page's password input, else `password`). */
  passwordField?: string;
  /** Decides whether the login worked from the response after redirects. Default: see {@link formLoginSucceeded}. */
  success?: (res: Response) => boolean | Promise<boolean>;
  /**
   * Tick the page's remember-me box (a checkbox named like `remember-me`; Spring's name when the page
   * has none). After the server session expires, the remember-me cookie logs in again without the
   * password: one request at a time carries it (see the README), since Spring's persistent tokens
   * treat two uses of one cookie value as theft. Default false.
   */
  rememberMe?: boolean;
  /** Send `X-Requested-With: XMLHttpRequest` (some apps answer AJAX logins with JSON). Default false. */
  ajax?: boolean;
  /** Where `logout()` posts (Spring: `/logout`); without it `logout()` only forgets the login locally. */
  logoutUrl?: string | URL;
  /**
   * Other origins the login page's form may post the credentials to (an SSO server, say:
   * `['https://sso.example.com']`). By default the form's action must be on the login page's own
   * origin (after redirects), and is never sent from https to http: anything else is refused with
   * an AuthenticationError, so that injected HTML cannot collect the password.
   */
  allowOrigins?: readonly string[];
}

// JSESSIONID, PHPSESSID, sessionid, connect.sid, _myapp_session, ASP.NET_SessionId, SID…
const SESSION_COOKIE = /sess|^sid$|[._-]sid$/i;

/**
 * The default success test: failure when the final page is the login page again, its URL has an
 * `error` parameter, or its status is 401, 403 or 5xx; success when the login's own answer redirected
 * elsewhere than the login page or an `error` URL, whatever the page redirected to answers (Spring
 * sends the browser back to the saved request, `/orders?continue`, which may answer anything). Useful
 * inside a custom `success` test.
 *
 * @example
 * ```ts
 * formLogin({
 *   url: '/login', username, password,
 *   success: (res) => formLoginSucceeded(res, new URL('/login', res.url)) && !res.url.includes('/mfa'),
 * });
 * ```
 */
export function formLoginSucceeded(res: Response, loginPage: URL): boolean {
  const first = res.history[0];
  const location = first?.headers.get('location');
  if (first && location && first.status >= 300 && first.status < 400 && isSuccessTarget(new URL(location, first.url), loginPage)) return true;
  if (res.status === 401 || res.status === 403 || res.status >= 500) return false;
  return isSuccessTarget(new URL(res.url), loginPage);
}

function isSuccessTarget(url: URL, loginPage: URL): boolean {
  if (url.searchParams.has('error')) return false;
  return !(url.origin === loginPage.origin && url.pathname === loginPage.pathname);
}

function sessionIds(ctx: LoginContext, url: URL): Map<string, string> {
  const jar = ctx.session.cookies;
  return new Map(jar.getCookies(url).filter((c) => SESSION_COOKIE.test(c.name)).map((c) => [c.name, c.value]));
}

/** The fields a browser would post: hidden inputs, then the credentials, then the caller's overrides. */
function formFields(form: LoginForm | undefined, o: FormLoginOptions): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form?.hidden ?? []) fields[name] ??= value;
  fields[o.usernameField ?? form?.usernameField ?? 'username'] = o.username;
  fields[o.passwordField ?? form?.passwordField ?? 'password'] = o.password;
  if (o.rememberMe) {
    const [name, value] = form?.rememberMe ?? ['remember-me', 'on'];
    fields[name] = value;
  }
  return { ...fields, ...o.fields };
}

async function refusal(res: Response): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  const text = res.body === undefined ? res.peekText() : '';
  if (/html/i.test(type)) return (await findPageMessage(text)) ?? `the server answered ${res.status} at ${new URL(res.url).pathname}`;
  if (/json/i.test(type)) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      const m = j.error_description ?? j.message ?? j.error ?? j.detail;
      if (typeof m === 'string' && m) return m.slice(0, 200);
    } catch { /* not JSON after all */ }
  }
  return `the server answered ${res.status} at ${new URL(res.url).pathname}`;
}

const MAX_ATTEMPTS = 3;
/** Spring's AbstractRememberMeServices cookie (and parameter) name. */
const REMEMBER_ME_COOKIE = 'remember-me';

/**
 * A login by the remember-me cookie alone: a GET of the site's root carrying it (Spring's
 * RememberMeAuthenticationFilter logs in any request without a session; the login page itself is
 * answered before that filter runs, so it cannot serve). It worked when the answer is not a way to the
 * login page and the server kept the cookie (it cancels one it refuses).
 */
async function rememberMeLogin(ctx: LoginContext, loginPage: URL): Promise<boolean> {
  const root = new URL('/', loginPage);
  const has = () => ctx.session.cookies.getCookies(root).some((c) => c.name === REMEMBER_ME_COOKIE);
  if (!has()) return false;
  const res = await ctx.session.get(root, { headers: { accept: 'text/html,application/xhtml+xml' } });
  await res.cancel();
  const toLogin = [...res.history, res].some((hop) => {
    const location = hop.headers.get('location');
    return location !== null && new URL(location, hop.url).pathname === loginPage.pathname;
  });
  const ok = res.status < 400 && !toLogin && has();
  log.debug('login', `remember-me login at ${root.origin} ${ok ? 'worked' : 'was refused; logging in with the password'}`, ctx.session);
  return ok;
}

/**
 * The credentials go only where the login page lives (its final origin) or to origins the caller
 * allowed, and never over http when the login was configured at https or the page was served over it:
 * a redirect of the login page to an http copy that posts to itself must not downgrade the password.
 */
function checkAction(action: URL, page: URL, configured: URL, allow: readonly string[] | undefined): void {
  if (action.protocol !== 'http:' && action.protocol !== 'https:') {
    throw new AuthenticationError(`the login form posts to a ${action.protocol} URL; refusing to send the credentials there`, { method: 'GET', url: page });
  }
  if (action.protocol === 'http:' && (configured.protocol === 'https:' || page.protocol === 'https:')) {
    throw new AuthenticationError(`the login is configured at https (${configured.origin}) but its form posts over http (${action.origin}); refusing to send the credentials unencrypted`,
      { method: 'GET', url: page });
  }
  if (action.origin === page.origin) return;
  if (allow?.some((o) => new URL(o).origin === action.origin) && !(page.protocol === 'https:' && action.protocol === 'http:')) return;
  throw new AuthenticationError(`the login form at ${page.origin} posts to another origin (${action.origin}); refusing to send the credentials there. List it in formLogin's allowOrigins if it is your SSO server`,
    { method: 'GET', url: page });
}

type Outcome = 'ok' | { error: AuthenticationError; raced: boolean };

async function attemptLogin(ctx: LoginContext, options: FormLoginOptions, ajax: Record<string, string>): Promise<Outcome> {
  const s = ctx.session;
  const pageUrl = ctx.resolve(options.url);
  const page = await s.get(pageUrl, { headers: { accept: 'text/html,application/xhtml+xml', ...ajax } });
  if (page.status >= 400) {
    return { error: new AuthenticationError(`the login page answered ${page.status}`, { method: 'GET', url: page.url, status: page.status }), raced: false };
  }
  const form = await findLoginForm(await page.text());
  const action = form?.action ? new URL(form.action, page.url) : new URL(page.url);
  checkAction(action, new URL(page.url), pageUrl, options.allowOrigins);
  const method = form?.method ?? 'POST';
  const jar = s.cookies;
  const cookiesAfterPage = jar.getCookieHeader(action);
  const before = sessionIds(ctx, action);
  const fields = formFields(form, options);
  const headers = { accept: 'text/html,application/xhtml+xml', ...ajax };
  const res = method === 'GET'
    ? await s.get(action, { params: fields, headers })
    : await s.post(action, { ...credentialRequest(action), form: fields, headers });
  const ok = options.success ? await options.success(res) : formLoginSucceeded(res, pageUrl);
  if (!ok) {
    const sent = (res.history[0] ?? res).request.headers.cookie ?? '';
    const error = new AuthenticationError(await refusal(res), { method, url: action, status: res.status });
    return { error, raced: sent !== cookiesAfterPage };
  }
  for (const [name, value] of sessionIds(ctx, action)) {
    if (before.get(name) === value) log.debug('login', `session cookie ${name} kept its value across the login at ${action.origin}: the server may be open to session fixation`, s);
  }
  return 'ok';
}

/**
 * Form login, as a browser does it: GET the login page, read its form with a real HTML parser (the
 * password input, the text or email input before it, every hidden input such as Spring's `_csrf`),
 * POST it, follow the redirect and decide whether it worked. The session keeps the session cookie the
 * server issues (Spring replaces JSESSIONID at login); a debug line (`sessio:login`) warns
 * when the session id did not change, a session-fixation risk on the server's side.
 *
 * @example
 * ```ts
 * import { Session, formLogin } from 'sessio';
 * const s = new Session({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   csrf: 'spring',
 *   login: formLogin({ url: '/login', username: 'alice', password: 'secret', logoutUrl: '/logout' }),
 * });
 * await s.login();
 * const me = await (await s.get('/api/me')).json();
 * ```
 */
export function formLogin(options: FormLoginOptions): LoginStrategy {
  return new FormLogin(options);
}

// A class, so that its methods live on a prototype: a load test's 10,000 sessions each hold one.
class FormLogin implements LoginStrategy {
  readonly kind = 'form';
  readonly eager = false;
  readonly options: ReloginOptions;
  // `declare`: defined only when remember-me is on, as the object this class replaced did.
  declare readonly withheldCookies?: ReadonlySet<string>;
  declare readonly renew?: (ctx: LoginContext) => Promise<void>;
  readonly #o: FormLoginOptions;

  constructor(o: FormLoginOptions) {
    this.#o = o;
    const { relogin, replayUnsafe, isLoggedOut, origins } = o;
    this.options = { relogin, replayUnsafe, isLoggedOut, origins };
    if (o.rememberMe) {
      this.withheldCookies = new Set([REMEMBER_ME_COOKIE]);
      this.renew = async (ctx) => {
        if (await rememberMeLogin(ctx, ctx.resolve(o.url))) return;
        await this.login(ctx);
      };
    }
  }

  loginUrl(ctx: LoginContext): URL {
    return ctx.resolve(this.#o.url);
  }

  origins(ctx: LoginContext): ReadonlySet<string> {
    return defaultOrigins(ctx, this.#o.url, this.#o.origins);
  }

  credentials(): LoginCredentials {
    return { username: this.#o.username, password: this.#o.password };
  }

  async login(ctx: LoginContext): Promise<void> {
    // Responses to requests sent before the login may still arrive and replace the session cookie
    // between our GET and POST; the server then refuses the form. Start over when that happened.
    const ajax: Record<string, string> = this.#o.ajax ? { 'x-requested-with': 'XMLHttpRequest' } : {};
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptLogin(ctx, this.#o, ajax);
      if (outcome === 'ok') return;
      if (!outcome.raced || attempt >= MAX_ATTEMPTS) throw outcome.error;
    }
  }

  async logout(ctx: LoginContext): Promise<void> {
    if (this.#o.logoutUrl === undefined) return;
    const res = await ctx.session.post(ctx.resolve(this.#o.logoutUrl), { headers: { accept: 'text/html,application/xhtml+xml' } });
    await res.cancel();
  }
}
