import type { LoginContext } from './types.js';

/** The origins a login covers: the ones given, else the `baseUrl` origin and the login URL's origin. */
export function defaultOrigins(ctx: LoginContext, loginUrl: string | URL, given: readonly string[] | undefined): ReadonlySet<string> {
  if (given) return new Set(given.map((o) => new URL(o).origin));
  const out = new Set<string>([ctx.resolve(loginUrl).origin]);
  const base = ctx.session.baseUrl;
  if (base !== undefined) out.add(base.origin);
  return out;
}
