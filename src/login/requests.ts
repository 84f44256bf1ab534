import { DEFAULT_MAX_REDIRECTS, type RequestOptions } from '../config.js';
import type { Session } from '../session.js';

/**
 * Options every request sessio makes for itself (login pages, token endpoints, CSRF fetches) pins:
 * session defaults chosen for the caller's own requests (`followRedirects: false`, `stream: true`,
 * `throwHttpErrors: true`, `maxRedirects: 0`) would otherwise break a login that needs the redirect
 * after the form post, a buffered body to read the token from, and the error status to explain a refusal.
 */
export function internalRequest(session: Session): Pick<RequestOptions, 'followRedirects' | 'maxRedirects' | 'throwHttpErrors' | 'stream'> {
  return {
    followRedirects: true,
    maxRedirects: Math.max(session.config.maxRedirects ?? DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_REDIRECTS),
    throwHttpErrors: false,
    stream: false,
  };
}
