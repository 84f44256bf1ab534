import type { PreparedRequest } from '../../core/request.js';
import type { Response } from '../../core/response.js';
import type { SessionPort } from '../port.js';
import { findHtmlTokens } from './html.js';
import { maskToken, otherForm, type TokenForm } from './mask.js';
import { HeaderSessions, isOrigin, type HeaderSession } from '../header-session.js';
import { toCsrfProfile, type CsrfInit, type CsrfProfile } from './profiles.js';

/** Pages larger than this are not searched for tokens: login and form pages are small. */
export const MAX_HTML_SCAN = 1024 * 1024;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A server naming one of these as "its CSRF header" would make us corrupt the request.
const REFUSED_HEADERS = new Set(['host', 'cookie', 'authorization', 'proxy-authorization', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer']);

/** A token learned from one origin. */
export interface CsrfToken {
  token: string;
  /** Lower-case header name it is sent in. */
  header: string;
  source: 'cookie' | 'html' | 'json';
  /** The page or endpoint it came from, to fetch a fresh one. */
  from: URL;
  /** Set after a login: the server has rotated it, so it must be fetched again before use. */
  stale: boolean;
  /** The form parameter the server reads it from (a hidden input's name, the endpoint's `parameterName`). */
  param?: string;
}

/** What {@link CsrfTokens.apply} put on a request: the header, the raw token, and its form when it may be masked. */
export interface SentToken {
  header: string;
  token: string;
  /** Set for cookie tokens on a profile that masks (Spring): the form the token was sent in. */
  form?: TokenForm;
}

/** A token as a saved session holds it. */
export interface SavedCsrfToken {
  origin: string;
  token: string;
  header: string;
  source: CsrfToken['source'];
  from: string;
  stale: boolean;
  param?: string;
}

/** The CSRF state of a saved session: the profile it was made with (JSON-safe part) and its tokens. */
export interface SavedCsrfState {
  profile?: CsrfInit;
  tokens: SavedCsrfToken[];
  /** Per origin, the form of cookie tokens its server accepted (Spring 6 masks them). */
  forms?: Record<string, TokenForm>;
  /** Per origin, a session id the server handed out in a header (Spring Session's X-Auth-Token). */
  headerSessions?: Record<string, HeaderSession>;
}

const SOURCES: ReadonlySet<string> = new Set(['cookie', 'html', 'json']);

/** The meta and hidden-input names of a profile, made once per profile (sessions forked from one share it). */
const NAMES = new WeakMap<CsrfProfile, { meta: ReadonlySet<string>; inputs: ReadonlySet<string> }>();

function namesOf(profile: CsrfProfile): { meta: ReadonlySet<string>; inputs: ReadonlySet<string> } {
  let names = NAMES.get(profile);
  if (!names) {
    const meta = profile.meta;
    names = { meta: new Set(meta ? [meta.token, ...(meta.header ? [meta.header] : [])] : []), inputs: new Set(profile.hiddenInputs ?? []) };
    NAMES.set(profile, names);
  }
  return names;
}

/**
 * The CSRF tokens of a session, one per origin. Tokens are learned from the responses that pass
 * (cookies, meta tags, hidden inputs, the token endpoint's JSON) and only ever sent back to the origin
 * they came from, which is what axios CVE-2023-45857 got wrong.
 */
export class CsrfTokens {
  readonly profile: CsrfProfile;
  /** Sessions kept in a header, when the profile names such headers (Spring Session). */
  readonly sessions: HeaderSessions | undefined;
  readonly #init: CsrfInit;
  readonly #session: SessionPort;
  readonly #tokens = new Map<string, CsrfToken>();
  // Made on first use: a session that never fetches a token (most forks) pays no table for it.
  #fetching: Map<string, Promise<void>> | undefined;
  /** Per origin, the form of cookie tokens the server accepted; plain until it refuses one (made on first use). */
  #forms: Map<string, TokenForm> | undefined;
  /**
   * Origins whose own responses set the token cookie. Cookies ignore ports, so the jar's cookie for a
   * URL may have come from another server on the host: it is only used for an origin listed here (or
   * the `baseUrl` origin, for a jar loaded from disk). Made on first use.
   */
  #cookieOrigins: Set<string> | undefined;
  readonly #metaNames: ReadonlySet<string>;
  readonly #inputNames: ReadonlySet<string>;
  #tokenUrl: URL | undefined | null = null;

  constructor(init: CsrfInit, session: SessionPort) {
    this.profile = toCsrfProfile(init);
    this.#init = init;
    this.#session = session;
    ({ meta: this.#metaNames, inputs: this.#inputNames } = namesOf(this.profile));
    this.sessions = this.profile.sessionHeaders?.length ? new HeaderSessions(this.profile.sessionHeaders) : undefined;
  }

  /** The token that would be sent to `url`'s origin, if any. */
  get(url: URL | string): CsrfToken | undefined {
    const origin = new URL(url).origin;
    const known = this.#tokens.get(origin);
    if (known) return known;
    return this.#fromJar(new URL(url));
  }

  /** Forgets every token (at logout). The forms the servers accept stay: they belong to the server, not the login. */
  clear(): void {
    this.#tokens.clear();
    this.sessions?.clear();
  }

  /** The form cookie tokens are sent to `origin` in: the one its server last accepted, else plain. */
  formFor(origin: string): TokenForm {
    return this.#forms?.get(origin) ?? 'plain';
  }

  /** The server took the request: a masked or plain cookie token it accepted is the form to use from now on. */
  accepted(url: URL, sent: SentToken | undefined): void {
    if (sent?.form !== undefined) (this.#forms ??= new Map()).set(url.origin, sent.form);
  }

  /** The token endpoint, resolved against `baseUrl`. */
  get tokenUrl(): URL | undefined {
    if (this.#tokenUrl === null) {
      const t = this.profile.tokenUrl;
      this.#tokenUrl = t === undefined ? undefined : this.#session.resolve(t);
    }
    return this.#tokenUrl;
  }

  /**
   * Adds the token of the hop's origin to an unsafe request; fetches one first when the profile can.
   * A cookie token goes in `form` (default: the origin's learned one), masked as Spring 6 wants it or
   * plain; page tokens are sent as the page gave them (Spring 6 masked them already, per render).
   */
  async apply(req: PreparedRequest, form?: TokenForm): Promise<SentToken | undefined> {
    let t = this.#current(req.url);
    if (!t || t.stale) {
      await this.fetch(req.url, false);
      t = this.#current(req.url);
    }
    if (!t || t.stale) return undefined;
    if (req.headers[t.header] !== undefined) return undefined; // the caller set it: theirs wins
    if (t.source !== 'cookie' || !this.profile.masking) {
      req.headers[t.header] = t.token;
      return { header: t.header, token: t.token };
    }
    const f = form ?? this.formFor(req.url.origin);
    req.headers[t.header] = f === 'masked' ? maskToken(t.token) : t.token;
    return { header: t.header, token: t.token, form: f };
  }

  /** Learns tokens from a response of `req`'s hop. Cheap when the response cannot hold one. */
  async learn(req: PreparedRequest, res: Response): Promise<void> {
    const origin = req.url.origin;
    this.sessions?.learn(req.url, res);
    if (this.profile.cookie) this.#learnCookie(req.url, res);
    const type = res.headers.get('content-type')?.toLowerCase() ?? '';
    if (res.body !== undefined || res.status >= 500) return; // streaming: the body is the caller's
    if ((this.#metaNames.size || this.#inputNames.size) && (type.startsWith('text/html') || type.startsWith('application/xhtml'))) {
      await this.#learnHtml(req.url, origin, res);
    } else if (type.includes('json') && this.#isTokenUrl(req.url)) {
      this.#learnJson(req.url, origin, res);
    }
  }

  /** Whether `res` is the framework refusing the CSRF token. */
  isFailure(res: Response): boolean {
    const check = this.profile.isFailure;
    if (!check || res.status < 400) return false;
    return check(res.status, res.body === undefined ? res.peekText() : undefined);
  }

  /**
   * After a refusal of `sent`: what to send instead, or undefined when there is nothing new to try.
   * A token other than `sent` (the refusal may have brought one: Spring 6 issues a deferred token on
   * the 403 itself) goes in the same form; the same cookie token goes in the other form (a Spring 6
   * server refuses a plain one, a Spring 5 or SPA-handler server a masked one); else a fresh token is
   * fetched from the token endpoint or the page the old one came from.
   */
  async renew(url: URL, sent: SentToken | undefined): Promise<{ form?: TokenForm } | undefined> {
    const known = this.#current(url);
    const plan = this.#planFor(known, sent);
    if (plan) return plan;
    if (known) known.stale = true;
    await this.fetch(url, true);
    const fresh = this.#current(url);
    if (fresh && !fresh.stale && fresh.token !== sent?.token) return { ...(sent?.form !== undefined && { form: sent.form }) };
    if (fresh && !fresh.stale) return this.#planFor(fresh, sent);
    return undefined;
  }

  #planFor(t: CsrfToken | undefined, sent: SentToken | undefined): { form?: TokenForm } | undefined {
    if (!t || t.stale) return undefined;
    if (t.token !== sent?.token) return { ...(sent?.form !== undefined && { form: sent.form }) };
    if (t.source === 'cookie' && sent.form !== undefined) return { form: otherForm(sent.form) };
    return undefined;
  }

  /**
   * After a login: the server rotated its token, so one learned before it (in `learnedBefore`) or
   * from the login page during it (`loginPage`) is stale.
   */
  async afterLogin(origin: string, learnedBefore: ReadonlySet<CsrfToken>, loginPage?: URL): Promise<void> {
    const t = this.#tokens.get(origin);
    const fromLoginPage = t !== undefined && loginPage !== undefined && t.source === 'html' && t.from.origin === loginPage.origin && t.from.pathname === loginPage.pathname;
    if (t && (learnedBefore.has(t) || fromLoginPage) && t.source !== 'cookie') t.stale = true;
    if (this.tokenUrl?.origin === origin) await this.fetch(this.tokenUrl, true);
  }

  /** The tokens known now (to tell, after a login, which ones it replaced). */
  snapshot(): ReadonlySet<CsrfToken> {
    return new Set(this.#tokens.values());
  }

  /**
   * Fetches a token for `url`'s origin: from the token endpoint when it is on that origin, else from
   * the page a stale token came from. Concurrent calls for one origin share one fetch.
   */
  fetch(url: URL, force: boolean): Promise<void> {
    const origin = url.origin;
    const known = this.#tokens.get(origin);
    const tokenUrl = this.tokenUrl;
    const source = tokenUrl?.origin === origin ? tokenUrl : known?.stale || force ? known?.from : undefined;
    if (!source) return Promise.resolve();
    let running = this.#fetching?.get(origin);
    if (!running) {
      running = (async () => {
        const res = await this.#session.get(source, { headers: { accept: source === tokenUrl ? 'application/json' : 'text/html' } });
        await res.cancel();
      })().finally(() => this.#fetching?.delete(origin));
      (this.#fetching ??= new Map()).set(origin, running);
    }
    return running;
  }

  #set(origin: string, token: Omit<CsrfToken, 'stale'>, stale = false): void {
    if (!token.token || !HEADER_NAME.test(token.header) || REFUSED_HEADERS.has(token.header) || /[\r\n\0]/.test(token.token)) return;
    if (token.param !== undefined && !HEADER_NAME.test(token.param)) return;
    this.#tokens.set(origin, { ...token, stale });
  }

  /** The state a saved session keeps; undefined when there is nothing to keep. */
  exportState(): SavedCsrfState | undefined {
    const profile = jsonSafeInit(this.#init);
    const headerSessions = this.sessions?.exportState();
    if (!this.#tokens.size && !this.#forms?.size && !headerSessions && profile === undefined) return undefined;
    const tokens = [...this.#tokens].map(([origin, t]): SavedCsrfToken => ({
      origin, token: t.token, header: t.header, source: t.source, from: t.from.href, stale: t.stale, ...(t.param !== undefined && { param: t.param }),
    }));
    return {
      ...(profile !== undefined && { profile }),
      tokens,
      ...(this.#forms?.size && { forms: Object.fromEntries(this.#forms) }),
      ...(headerSessions && { headerSessions }),
    };
  }

  /**
   * Restores tokens from a saved session, each bound to the origin it was learned from: an entry whose
   * page is on another origin is dropped, and a cookie token is taken only when the jar (whose cookies
   * keep their domains) still holds that cookie for the origin, with the jar's current value.
   */
  importState(value: unknown): void {
    this.#importForms(isRecord(value) ? value.forms : undefined);
    if (isRecord(value)) this.sessions?.importState(value.headerSessions);
    const list = isRecord(value) && Array.isArray(value.tokens) ? value.tokens as unknown[] : [];
    for (const raw of list) {
      const saved = savedToken(raw);
      if (!saved) continue;
      const from = new URL(saved.from);
      if (saved.source === 'cookie') {
        if (!this.profile.cookie) continue;
        const current = this.#cookieValue(from);
        if (current) this.#set(saved.origin, { token: current, header: saved.header, source: 'cookie', from });
        continue;
      }
      this.#set(saved.origin, { token: saved.token, header: saved.header, source: saved.source, from, ...(saved.param !== undefined && { param: saved.param }) }, saved.stale);
    }
  }

  /** Saved forms: only `plain` or `masked`, only for http(s) origins written as origins. */
  #importForms(value: unknown): void {
    if (!isRecord(value)) return;
    for (const [origin, form] of Object.entries(value)) {
      if ((form === 'plain' || form === 'masked') && isOrigin(origin)) (this.#forms ??= new Map()).set(origin, form);
    }
  }

  #learnCookie(url: URL, res: Response): void {
    const name = this.profile.cookie!.name;
    const setCookies = res.headers.getSetCookie();
    if (!setCookies.some((c) => c.trimStart().startsWith(`${name}=`))) return;
    // The jar has applied the Set-Cookie already (the cookie stage runs inside this one): ask it.
    const value = this.#cookieValue(url);
    if (value) {
      (this.#cookieOrigins ??= new Set()).add(url.origin);
      return this.#set(url.origin, { token: value, header: this.profile.cookie!.header, source: 'cookie', from: url });
    }
    // Spring 6 clears the cookie at login and logout and issues the next token only when something
    // loads it: keep where the last one came from, stale, so the next unsafe request fetches it first.
    const known = this.#tokens.get(url.origin);
    if (known?.source === 'cookie') known.stale = true;
  }

  /**
   * The token to send to `url`. With a masking profile, the origin's token cookie wins over a page
   * token sent in the cookie's header: pages derive theirs from it (Spring 6 masks it per render), and
   * the cookie's raw value can be sent in whichever form the server's handler wants (the SPA handler
   * refuses a masked header).
   */
  #current(url: URL): CsrfToken | undefined {
    const t = this.get(url);
    const cookie = this.profile.cookie;
    // A page naming another header for its token (`_csrf_header`) is obeyed.
    if (!this.profile.masking || !cookie || t?.source === 'cookie' || (t && !t.stale && t.header !== cookie.header)) return t;
    const value = this.#ownCookie(url);
    return value ? { token: value, header: cookie.header, source: 'cookie', from: url, stale: false } : t;
  }

  /** A token cookie already in the jar (loaded from disk, say) counts for the `baseUrl` origin only. */
  #fromJar(url: URL): CsrfToken | undefined {
    const cookie = this.profile.cookie;
    const base = this.#session.baseUrl;
    if (!cookie || base === undefined || base.origin !== url.origin) return undefined;
    const value = this.#cookieValue(url);
    return value ? { token: value, header: cookie.header, source: 'cookie', from: url, stale: false } : undefined;
  }

  #cookieValue(url: URL): string | undefined {
    const jar = this.#session.cookies;
    const name = this.profile.cookie!.name;
    const raw = jar.getCookies(url).find((c) => c.name === name)?.value;
    if (!raw) return undefined;
    try {
      return decodeURIComponent(raw); // Angular and Laravel URL-encode the cookie value
    } catch {
      return raw;
    }
  }

  async #learnHtml(url: URL, origin: string, res: Response): Promise<void> {
    const text = res.peekText();
    if (text.length > MAX_HTML_SCAN) return;
    // Most pages carry no token: a substring test spares them the parse.
    let mentioned = false;
    for (const n of [...this.#metaNames, ...this.#inputNames]) if (text.includes(n)) mentioned = true;
    if (!mentioned) return;
    const { meta, hidden } = await findHtmlTokens(text, this.#metaNames, this.#inputNames);
    const m = this.profile.meta;
    const metaToken = m ? meta.get(m.token) : undefined;
    if (metaToken) {
      const named = m?.header ? meta.get(m.header)?.toLowerCase() : undefined;
      this.#set(origin, { token: metaToken, header: named ?? this.#pageHeader(url), source: 'html', from: url });
      return;
    }
    for (const n of this.#inputNames) {
      const value = hidden.get(n);
      if (value) return this.#set(origin, { token: value, header: this.#pageHeader(url), source: 'html', from: url, param: n });
    }
  }

  /**
   * The header for a page token whose page does not name one: while the origin holds the token cookie,
   * its server keeps tokens in that cookie and reads them from the cookie's header (Spring's
   * CookieCsrfTokenRepository reads X-XSRF-TOKEN, never X-CSRF-TOKEN); else the profile's header.
   */
  #pageHeader(url: URL): string {
    const cookie = this.profile.cookie;
    return cookie && this.#ownCookie(url) !== undefined ? cookie.header : this.profile.header;
  }

  /** The token cookie's value for `url`, when `url`'s origin is the one that set it. */
  #ownCookie(url: URL): string | undefined {
    if (!this.#cookieOrigins?.has(url.origin) && this.#session.baseUrl?.origin !== url.origin) return undefined;
    return this.#cookieValue(url);
  }

  #learnJson(url: URL, origin: string, res: Response): void {
    let body: unknown;
    try {
      body = JSON.parse(res.peekText());
    } catch {
      return;
    }
    if (!body || typeof body !== 'object') return;
    const o = body as Record<string, unknown>;
    const token = [o.token, o.csrfToken, o._csrf].find((v) => typeof v === 'string') as string | undefined;
    if (!token) return;
    const header = typeof o.headerName === 'string' ? o.headerName.toLowerCase() : this.profile.header;
    const param = typeof o.parameterName === 'string' ? o.parameterName : undefined;
    this.#set(origin, { token, header, source: 'json', from: url, ...(param !== undefined && { param }) });
  }

  #isTokenUrl(url: URL): boolean {
    const t = this.tokenUrl;
    return t !== undefined && t.origin === url.origin && t.pathname === url.pathname;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A saved token whose fields have the right types and whose page is on its own origin. */
function savedToken(raw: unknown): SavedCsrfToken | undefined {
  if (!isRecord(raw)) return undefined;
  const { origin, token, header, source, from, stale, param } = raw;
  if (typeof origin !== 'string' || typeof token !== 'string' || typeof header !== 'string' || typeof from !== 'string') return undefined;
  if (typeof source !== 'string' || !SOURCES.has(source)) return undefined;
  if (param !== undefined && typeof param !== 'string') return undefined;
  let page: URL;
  try {
    page = new URL(from);
  } catch {
    return undefined;
  }
  if ((page.protocol !== 'http:' && page.protocol !== 'https:') || page.origin !== origin) return undefined;
  return { origin, token, header: header.toLowerCase(), source: source as CsrfToken['source'], from, stale: stale === true, ...(param !== undefined && { param }) };
}

/** The `csrf` option as JSON can hold it: a profile name, or a profile without its functions. */
function jsonSafeInit(init: CsrfInit): CsrfInit | undefined {
  if (typeof init === 'string') return init;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(init)) {
    if (typeof v === 'function' || v === undefined) continue;
    out[k] = v instanceof URL ? v.href : v;
  }
  return out as CsrfInit;
}
