import { Readable } from 'node:stream';
import type { BodyInit, RequestOptions } from './config.js';
import type { Response } from '../core/response.js';

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function bodyOf(body: unknown): RequestOptions['body'] | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof URLSearchParams) return body.toString();
  if (typeof FormData !== 'undefined' && body instanceof FormData) return undefined; // handled as multipart
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return body as BodyInit;
}

function contentTypeFor(body: unknown): string | undefined {
  if (typeof body === 'string') return 'text/plain;charset=UTF-8';
  if (body instanceof URLSearchParams) return 'application/x-www-form-urlencoded;charset=UTF-8';
  return undefined;
}

/**
 * A WHATWG `fetch` over the session: same cookies, auth, pool and redirects, so SDKs built on fetch
 * can use a logged-in session. The body is streamed to the returned Response.
 */
export function sessionFetch(session: { request(method: string, url: string | URL, options?: RequestOptions): Promise<Response> }): typeof globalThis.fetch {
  return async function fetch(input: string | URL | Request, init: RequestInit = {}): Promise<globalThis.Response> {
    const request = typeof input === 'object' && !(input instanceof URL) ? input : undefined;
    const url = request ? request.url : String(input);
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    // As in fetch: init.headers replace the Request's headers, they do not merge with them.
    const headers = new Headers(init.headers ?? request?.headers);
    // A Request's body is read into a Blob so that a 307/308 can send it again, as fetch does.
    const rawBody = init.body !== undefined ? init.body : request?.body ? await request.blob() : undefined;
    const ct = contentTypeFor(rawBody);
    if (ct && !headers.has('content-type')) headers.set('content-type', ct);
    const redirect = init.redirect ?? request?.redirect ?? 'follow';
    const options: RequestOptions = {
      headers,
      followRedirects: redirect === 'follow',
      throwHttpErrors: false, // fetch resolves with 4xx/5xx responses
      stream: true,
      ...(typeof FormData !== 'undefined' && rawBody instanceof FormData ? { multipart: rawBody } : {}),
    };
    const body = bodyOf(rawBody);
    if (body !== undefined) options.body = body;
    const signal = init.signal ?? request?.signal;
    if (signal) options.signal = signal;
    let res: Response;
    try {
      res = await session.request(method, url, options);
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
      throw new TypeError('fetch failed', { cause: err });
    }
    if (redirect === 'error' && res.status >= 300 && res.status < 400 && res.headers.has('location')) {
      await res.cancel();
      throw new TypeError(`fetch failed: redirect mode is "error" and ${url} redirected`);
    }
    const nullBody = NULL_BODY.has(res.status) || method === 'HEAD';
    if (nullBody) await res.cancel();
    const stream = res.body;
    const out = new globalThis.Response(nullBody || !stream ? null : (Readable.toWeb(stream) as ReadableStream), {
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers],
    });
    Object.defineProperty(out, 'url', { value: res.url });
    Object.defineProperty(out, 'redirected', { value: res.history.length > 0 });
    return out;
  } as typeof globalThis.fetch;
}
