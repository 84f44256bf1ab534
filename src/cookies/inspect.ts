// Short, requests-like descriptions of cookies and jars for console.log and util.inspect. A cookie's
// value is a credential (a session id, a CSRF token), so no description shows it, not even its
// length; names, domains and paths are what one needs to tell cookies apart.
import type { InspectOptions } from 'node:util';

/** `util.inspect.custom`, without importing node:util for it. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** Stands for every cookie value in descriptions. */
export const REDACTED = '••••';

/** What a description shows of a cookie. */
interface Describable {
  name: string;
  domain: string;
  path: string;
  hostOnly: boolean;
}

/**
 * `<Cookie JSESSIONID=•••• for 127.0.0.1/>`, as Python's requests writes `<Cookie name=value for
 * domain/path>`, with the value redacted; a Domain cookie's domain gets requests' leading dot.
 */
export function describeCookie(c: Describable): string {
  const pair = c.name === '' ? REDACTED : `${c.name}=${REDACTED}`;
  return `<Cookie ${pair} for ${c.hostOnly ? '' : '.'}${c.domain}${c.path}>`;
}

/**
 * `Label(n) [ <Cookie …>, … ]` on one line when it fits `breakLength`, else one cookie per line; at
 * most `maxArrayLength` cookies (util.inspect's own default of 100), then how many more there are.
 * Below util.inspect's depth only `[Label(n)]`.
 */
export function describeCookies(label: string, cookies: Iterable<Describable>, depth: number, options: InspectOptions = {}): string {
  const max = options.maxArrayLength === null ? Infinity : Math.max(0, options.maxArrayLength ?? 100);
  const shown: string[] = [];
  let total = 0;
  for (const c of cookies) {
    if (total++ < max && depth >= 0) shown.push(describeCookie(c));
  }
  if (depth < 0) return `[${label}(${total})]`;
  if (total > shown.length) shown.push(`... ${total - shown.length} more`);
  if (shown.length === 0) return `${label}(${total}) []`;
  const line = `${label}(${total}) [ ${shown.join(', ')} ]`;
  if (line.length <= (options.breakLength ?? 80)) return line;
  return `${label}(${total}) [\n${shown.map((s) => `  ${s}`).join(',\n')}\n]`;
}
