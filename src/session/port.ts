// The SessionPort a session hands its CSRF and login features (features/port.ts). A class, not an object
// of arrow functions: a load test holds 10,000 forks, and methods on a prototype cost a fork nothing.
import type { CookieJar } from '../cookies/index.js';
import type { Log } from '../core/log/index.js';
import type { Response } from '../core/response.js';
import { resolveUrl } from '../core/url.js';
import type { PortRequestOptions, SessionPort } from '../features/port.js';

/** Sends one of sessio's own requests below the caller's stages. */
export type OwnRequest = (method: string, url: string | URL, options?: PortRequestOptions) => Promise<Response>;

export class Port implements SessionPort {
  readonly baseUrl: URL | undefined;
  readonly #base: string | URL | undefined;
  readonly #send: OwnRequest;

  constructor(base: string | URL | undefined, readonly cookies: CookieJar, readonly log: Log, send: OwnRequest) {
    this.#base = base;
    this.baseUrl = base === undefined ? undefined : new URL(String(base));
    this.#send = send;
  }

  resolve(url: string | URL): URL {
    return resolveUrl(url, this.#base);
  }

  request(method: string, url: string | URL, options?: PortRequestOptions): Promise<Response> {
    return this.#send(method, url, options);
  }

  get(url: string | URL, options?: PortRequestOptions): Promise<Response> {
    return this.#send('GET', url, options);
  }

  post(url: string | URL, options?: PortRequestOptions): Promise<Response> {
    return this.#send('POST', url, options);
  }
}
