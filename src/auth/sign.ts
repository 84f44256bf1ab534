import type { AuthScheme } from './scheme.js';
import type { PreparedRequest } from '../core/request.js';

/** Signs one outgoing hop: set headers (a signature, an API key, a date) on `req`. */
export type RequestSigner = (req: PreparedRequest) => void | Promise<void>;

/**
 * A custom scheme from a function that signs each outgoing hop, for HMAC-signed APIs, API keys and
 * the like. Like every scheme it runs only for hops to the request's own origin.
 *
 * @example
 * ```ts
 * import { createHmac } from 'node:crypto';
 * import { Session, customAuth } from 'sessio';
 * const s = new Session({
 *   auth: customAuth((req) => {
 *     const date = new Date().toUTCString();
 *     req.headers.date = date;
 *     req.headers['x-signature'] = createHmac('sha256', key).update(`${req.method} ${req.url.pathname} ${date}`).digest('hex');
 *   }),
 *   sensitiveHeaders: ['x-signature'],
 * });
 * ```
 */
export function customAuth(sign: RequestSigner): AuthScheme {
  return { apply: sign };
}
