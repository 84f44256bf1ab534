import { AuthenticationError } from '../../core/errors.js';
import type { Response } from '../../core/response.js';
import type { PortRequestOptions } from '../port.js';

/**
 * Options for a request that carries credentials in its body (a login form, a token request): a
 * 307/308 keeps the body, so a redirect that would re-send it to another origin (or from https to
 * http) is refused with an AuthenticationError before anything is sent there. Redirects that drop the
 * body (302/303 → GET) may still go anywhere, as a browser's would.
 */
export function credentialRequest(target: URL): Pick<PortRequestOptions, 'beforeRedirect'> {
  const origin = target.origin;
  return {
    beforeRedirect: (next) => {
      if (next.body === undefined || next.url.origin === origin) return;
      throw new AuthenticationError(`the login request to ${origin} was redirected with its body to ${next.url.origin}; sessio does not send login credentials to another origin`,
        { method: next.method, url: target });
    },
  };
}

/**
 * Refuses a token response that came from another origin than the token endpoint (after redirects):
 * a token issued there is not the endpoint's, and must not be sent to the API.
 */
export function checkTokenOrigin(res: Response, endpoint: URL, method: string): void {
  const final = new URL(res.url);
  if (final.origin === endpoint.origin) return;
  throw new AuthenticationError(`the token endpoint ${endpoint.origin} was redirected to ${final.origin}; a token from another origin is not accepted`,
    { method, url: endpoint, status: res.status });
}
