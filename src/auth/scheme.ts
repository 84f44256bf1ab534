import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

/** Username and password: HTTP Basic. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * An authentication scheme. `apply` adds credentials to a hop bound for the request's own origin;
 * `challenge` may answer a 401 by preparing new credentials, and returns true to send the hop again.
 */
export interface AuthScheme {
  apply(req: PreparedRequest): void | Promise<void>;
  challenge?(res: Response, req: PreparedRequest): boolean | Promise<boolean>;
}

/** What the `auth` option takes. */
export type AuthInit = BasicCredentials | AuthScheme;

/** HTTP Basic (RFC 7617), UTF-8 encoded as browsers and requests do. */
export function basicAuth(username: string, password: string): AuthScheme {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return { apply: (req) => void (req.headers.authorization = value) };
}

/** Turns the `auth` option into a scheme. */
export function toAuthScheme(init: AuthInit | null | undefined): AuthScheme | undefined {
  if (!init) return undefined;
  if (typeof (init as AuthScheme).apply === 'function') return init as AuthScheme;
  const { username, password } = init as BasicCredentials;
  return basicAuth(username, password);
}

/**
 * Whether credentials given for `from` may be sent to `to`: same scheme, host and port, or the
 * same host upgraded from http:80 to https:443 (requests' should_strip_auth).
 */
export function sameAuthOrigin(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return from.hostname === to.hostname && from.protocol === 'http:' && to.protocol === 'https:' && from.port === '' && to.port === '';
}
