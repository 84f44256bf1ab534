import { AsyncLocalStorage } from 'node:async_hooks';

/** Why a request is being made by sessio itself rather than by the caller. */
export type InternalScope = 'login' | 'csrf';

const scope = new AsyncLocalStorage<InternalScope>();

/**
 * Runs `fn` marked as sessio's own work: requests made inside it (the login's own requests, a CSRF
 * token fetch) skip automatic re-login, so a login can never wait on itself.
 */
export function withScope<T>(kind: InternalScope, fn: () => Promise<T>): Promise<T> {
  return scope.run(kind, fn);
}

/** The scope of the running code, if it is sessio's own work. */
export function currentScope(): InternalScope | undefined {
  return scope.getStore();
}
