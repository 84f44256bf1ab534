import type { CsrfTokens } from '../csrf/tokens.js';
import { SessioError } from '../../core/errors.js';
import { log } from '../../core/log/index.js';
import type { SessionPort } from '../port.js';
import type { Response } from '../../core/response.js';
import type { TokenSet } from './token.js';
import type { LoginContext, LoginStrategy } from './types.js';

/** Tokens as a saved session keeps them: with the endpoint and origins they were issued for. */
export interface BoundTokens extends TokenSet {
  kind?: string;
  /** The login URL or token endpoint that issued them. */
  url: string;
  /** The origins they may be sent to. */
  origins: string[];
}

/**
 * Runs logins across processes (shared sessions, features/shared): resolves once this process holds a
 * login, its own (`work`) or one another process made meanwhile.
 */
export interface LoginFleet {
  run(work: () => Promise<void>): Promise<void>;
}

/**
 * Runs a session's logins: one at a time, shared by every request that finds the session expired, so
 * twenty concurrent requests on an expired session cause one login, not twenty.
 */
export class LoginCoordinator {
  readonly strategy: LoginStrategy;
  readonly context: LoginContext;
  readonly #csrf: CsrfTokens | undefined;
  #running: Promise<void> | undefined;
  #generation = 0;
  #started = 0;
  #loggedIn = false;
  #origins: ReadonlySet<string> | undefined;
  /** Set by a shared session: logins then run once for the whole fleet. */
  fleet: LoginFleet | undefined;

  constructor(strategy: LoginStrategy, port: SessionPort, csrf: CsrfTokens | undefined) {
    this.strategy = strategy;
    this.#csrf = csrf;
    this.context = { session: port, resolve: (url) => port.resolve(url), renew: () => this.renew(this.#generation) };
  }

  /** Whether the CSRF profile says the server's security refuses requests before its application runs (Spring). */
  get refusesBeforeApplication(): boolean {
    return this.#csrf?.profile.refusesBeforeApplication === true;
  }

  /** Whether `res` is the CSRF profile's refusal of a token. */
  isCsrfRefusal(res: Response): boolean {
    return this.#csrf?.isFailure(res) ?? false;
  }

  /** Whether the login keeps tokens a saved session can hold. */
  get holdsTokens(): boolean {
    return this.strategy.exportTokens !== undefined;
  }

  /** The login's tokens, bound to the endpoint and origins they belong to; undefined when it has none. */
  exportTokens(): BoundTokens | undefined {
    const tokens = this.strategy.exportTokens?.();
    if (!tokens) return undefined;
    return {
      ...tokens,
      ...(this.strategy.kind && { kind: this.strategy.kind }),
      url: this.strategy.loginUrl(this.context).href,
      origins: [...this.#allOrigins()],
    };
  }

  /**
   * Takes saved tokens when they were issued by this login's endpoint for origins this login covers
   * (a file saved against one server must not hand its token to another); returns whether it did.
   * The session then counts as logged in: no login before the first request.
   */
  importTokens(saved: BoundTokens, duringLogin = false): boolean {
    // A shared session adopts another process's tokens in the middle of its own (waiting) login.
    if (!this.strategy.importTokens || (this.#running && !duringLogin)) return false;
    if (saved.url !== this.strategy.loginUrl(this.context).href) return false;
    const allowed = new Set(saved.origins);
    for (const origin of this.#allOrigins()) if (!allowed.has(origin)) return false;
    const { kind: _k, url: _u, origins: _o, ...tokens } = saved;
    this.strategy.importTokens(tokens);
    this.#loggedIn = true;
    return true;
  }

  #allOrigins(): ReadonlySet<string> {
    this.#origins ??= this.strategy.origins(this.context);
    return this.#origins;
  }

  /** Counts completed logins: a request that started before the last one must not start another. */
  get generation(): number {
    return this.#generation;
  }

  /** Counts logins started, finished or not: responses to requests sent before one are stale. */
  get started(): number {
    return this.#started;
  }

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /** Whether requests to `url` belong to this login. */
  covers(url: URL): boolean {
    return this.#allOrigins().has(url.origin);
  }

  /**
   * Another process of a shared session logged in and this one took its state: requests sent before
   * are stale, as after a login of its own. While a login of its own runs, that login counts instead.
   */
  adoptRemoteLogin(): void {
    if (this.#running) return;
    this.#started++;
    this.#generation++;
    this.#loggedIn = true;
  }

  /** Resolves when no login is under way (whether it worked or not). */
  idle(): Promise<void> {
    return this.#running ? this.#running.catch(() => undefined) : Promise.resolve();
  }

  /** Logs in now (joining a login already under way). */
  login(): Promise<void> {
    return this.#run(() => this.strategy.login(this.context));
  }

  /**
   * Logs in again after a request that started at generation `seen` found the session expired; does
   * nothing when another request has logged in since.
   */
  renew(seen: number): Promise<void> {
    if (this.#running) return this.#running;
    if (seen !== this.#generation) return Promise.resolve();
    const strategy = this.strategy;
    return this.#run(() => (strategy.renew ? strategy.renew(this.context) : strategy.login(this.context)));
  }

  /** Logs out on the server when the login defines how, and forgets the login either way. */
  async logout(): Promise<void> {
    await this.#running?.catch(() => undefined);
    this.#loggedIn = false;
    this.#generation++;
    try {
      if (this.strategy.logout) await this.strategy.logout(this.context);
    } finally {
      this.#csrf?.clear();
    }
  }

  async #logged(work: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const info = () => ({ url: this.strategy.loginUrl(this.context), ms: performance.now() - started, ...(this.strategy.kind && { scheme: this.strategy.kind }) });
    try {
      await work();
    } catch (err) {
      const e = err as { reason?: unknown; status?: unknown };
      log.login(this.context.session, {
        ...info(),
        ok: false,
        ...(typeof e?.status === 'number' && { status: e.status }),
        reason: typeof e?.reason === 'string' ? e.reason : err instanceof SessioError ? err.code : String(err),
      });
      throw err;
    }
    log.login(this.context.session, { ...info(), ok: true });
  }

  #run(work: () => Promise<void>): Promise<void> {
    this.#running ??= (async () => {
      this.#started++;
      const before = this.#csrf?.snapshot();
      const fleet = this.fleet;
      await (fleet ? fleet.run(() => this.#logged(work)) : this.#logged(work));
      this.#generation++;
      this.#loggedIn = true;
      // Spring and Django rotate the CSRF token at login: the old one is useless now.
      if (this.#csrf && before) {
        const page = this.strategy.loginUrl(this.context);
        for (const origin of this.#allOrigins()) await this.#csrf.afterLogin(origin, before, page);
      }
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
