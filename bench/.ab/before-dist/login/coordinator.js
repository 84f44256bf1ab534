import { SessioError } from '../errors.js';
import { log } from '../log/index.js';
import { resolveUrl } from '../url.js';
import { withScope } from './scope.js';
/**
 * Runs a session's logins: one at a time, shared by every request that finds the session expired, so
 * twenty concurrent requests on an expired session cause one login, not twenty.
 */
export class LoginCoordinator {
    strategy;
    context;
    #csrf;
    #running;
    #generation = 0;
    #started = 0;
    #loggedIn = false;
    #origins;
    constructor(strategy, session, csrf) {
        this.strategy = strategy;
        this.#csrf = csrf;
        this.context = { session, resolve: (url) => resolveUrl(url, session.config.baseUrl) };
    }
    /** Counts completed logins: a request that started before the last one must not start another. */
    get generation() {
        return this.#generation;
    }
    /** Counts logins started, finished or not: responses to requests sent before one are stale. */
    get started() {
        return this.#started;
    }
    get loggedIn() {
        return this.#loggedIn;
    }
    /** Whether requests to `url` belong to this login. */
    covers(url) {
        this.#origins ??= this.strategy.origins(this.context);
        return this.#origins.has(url.origin);
    }
    /** Resolves when no login is under way (whether it worked or not). */
    idle() {
        return this.#running ? this.#running.catch(() => undefined) : Promise.resolve();
    }
    /** Logs in now (joining a login already under way). */
    login() {
        return this.#run(() => this.strategy.login(this.context));
    }
    /**
     * Logs in again after a request that started at generation `seen` found the session expired; does
     * nothing when another request has logged in since.
     */
    renew(seen) {
        if (this.#running)
            return this.#running;
        if (seen !== this.#generation)
            return Promise.resolve();
        const strategy = this.strategy;
        return this.#run(() => (strategy.renew ? strategy.renew(this.context) : strategy.login(this.context)));
    }
    /** Logs out on the server when the login defines how, and forgets the login either way. */
    async logout() {
        await this.#running?.catch(() => undefined);
        this.#loggedIn = false;
        this.#generation++;
        try {
            if (this.strategy.logout)
                await withScope('login', () => this.strategy.logout(this.context));
        }
        finally {
            this.#csrf?.clear();
        }
    }
    async #logged(work) {
        const started = performance.now();
        const info = () => ({ url: this.strategy.loginUrl(this.context), ms: performance.now() - started, ...(this.strategy.kind && { scheme: this.strategy.kind }) });
        try {
            await work();
        }
        catch (err) {
            const e = err;
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
    #run(work) {
        this.#running ??= withScope('login', async () => {
            this.#started++;
            const before = this.#csrf?.snapshot();
            await this.#logged(work);
            this.#generation++;
            this.#loggedIn = true;
            // Spring and Django rotate the CSRF token at login: the old one is useless now.
            if (this.#csrf && before) {
                this.#origins ??= this.strategy.origins(this.context);
                for (const origin of this.#origins)
                    await this.#csrf.afterLogin(origin, before);
            }
        }).finally(() => {
            this.#running = undefined;
        });
        return this.#running;
    }
}
