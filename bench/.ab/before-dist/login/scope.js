import { AsyncLocalStorage } from 'node:async_hooks';
const scope = new AsyncLocalStorage();
/**
 * Runs `fn` marked as sessio's own work: requests made inside it (the login's own requests, a CSRF
 * token fetch) skip automatic re-login, so a login can never wait on itself.
 */
export function withScope(kind, fn) {
    return scope.run(kind, fn);
}
/** The scope of the running code, if it is sessio's own work. */
export function currentScope() {
    return scope.getStore();
}
