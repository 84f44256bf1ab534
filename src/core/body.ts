import { Readable } from 'node:stream';
import type { CoreRequestOptions as RequestOptions } from './options.js';
import type { MultipartInit } from './multipart.js';
import { RequestError } from './errors.js';
import { encodeMultipart } from './multipart.js';

/** What undici sends for a request body. */
export type BodyData = string | Uint8Array | Readable;

/**
 * An encoded request body. `data` is what the next send uses; `replay()` makes a fresh copy for a
 * resend (307/308 redirects, retries) and is absent when the body can be read only once (a stream).
 */
export interface EncodedBody {
  data: BodyData;
  contentType: string | undefined;
  contentLength: number | undefined;
  replay: (() => EncodedBody) | undefined;
  /** The `multipart` option the body was made from, to describe its parts (curl `-F`, HAR, logs). */
  multipart?: MultipartInit;
}

function fixed(data: string | Uint8Array, contentType: string | undefined): EncodedBody {
  const body: EncodedBody = {
    data,
    contentType,
    contentLength: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
    replay: () => body,
  };
  return body;
}

/** Serialises a form as application/x-www-form-urlencoded; arrays repeat the key like requests. */
export function encodeForm(form: NonNullable<RequestOptions['form']>): string {
  if (form instanceof URLSearchParams) return form.toString();
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (v === null || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) search.append(k, String(one));
  }
  return search.toString();
}

function encodeRaw(body: NonNullable<RequestOptions['body']>): EncodedBody {
  if (typeof body === 'string' || body instanceof Uint8Array) return fixed(body, undefined);
  if (body instanceof ArrayBuffer) return fixed(new Uint8Array(body), undefined);
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    const make = (): EncodedBody => ({
      data: Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream<Uint8Array>),
      contentType: body.type || undefined,
      contentLength: body.size,
      replay: make,
    });
    return make();
  }
  if (body instanceof Readable) return { data: body, contentType: undefined, contentLength: undefined, replay: undefined };
  if (typeof (body as ReadableStream).getReader === 'function') {
    const data = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
    return { data, contentType: undefined, contentLength: undefined, replay: undefined };
  }
  throw new RequestError(`Unsupported body type ${Object.prototype.toString.call(body)}: use a string, Uint8Array, Blob, Readable or ReadableStream`);
}

// One `; name=value` parameter (RFC 9110 §5.6.6): a token, or a quoted string with `\` escapes.
const PARAM = /\s*;\s*([!#$%&'*+.^`|~\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s"]+))/y;

/** The `boundary` parameter of a Content-Type, read past the other parameters (quoted ones included). */
function boundaryParam(type: string): string | undefined {
  let at = type.indexOf(';');
  let found: string | undefined;
  while (at >= 0 && at < type.length && !/^[\s;]*$/.test(type.slice(at))) {
    PARAM.lastIndex = at;
    const m = PARAM.exec(type);
    if (!m) throw new RequestError(`Malformed Content-Type ${JSON.stringify(type)}: its parameters must be name=token or name="quoted"`);
    if (m[1]!.toLowerCase() === 'boundary') found ??= m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    at = PARAM.lastIndex;
  }
  return found;
}

/**
 * Encodes whichever of `json`, `form`, `multipart` or `body` is given (at most one), or returns
 * undefined for no body.
 */
export function encodeBody(options: RequestOptions, contentType?: string | readonly string[]): EncodedBody | undefined {
  const given = (['json', 'form', 'multipart', 'body'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new RequestError(`Give only one body option, not ${given.join(' and ')}`);
  if (options.json !== undefined) {
    let text: string | undefined;
    try {
      text = JSON.stringify(options.json);
    } catch (err) {
      throw new RequestError(`The json body cannot be serialised: ${(err as Error).message}`, { cause: err });
    }
    if (text === undefined) throw new RequestError('The json body cannot be serialised (a function or undefined)');
    return fixed(text, 'application/json');
  }
  if (options.form !== undefined) return fixed(encodeForm(options.form), 'application/x-www-form-urlencoded');
  if (options.multipart !== undefined) {
    // A multipart Content-Type of the caller's (multipart/mixed, a boundary of its own) is kept, as in HTTPie.
    const given = typeof contentType === 'string' && /^\s*multipart\//i.test(contentType) ? contentType.trim() : undefined;
    const chosen = given === undefined ? undefined : boundaryParam(given);
    const mp = encodeMultipart(options.multipart, chosen);
    const type = given === undefined ? mp.contentType : chosen !== undefined ? given : `${given}; ${mp.contentType.slice(mp.contentType.indexOf('boundary='))}`;
    const multipart = options.multipart;
    const make = (): EncodedBody => ({
      data: mp.stream(),
      contentType: type,
      contentLength: mp.contentLength,
      replay: mp.replayable ? make : undefined,
      multipart,
    });
    return make();
  }
  if (options.body !== undefined) return encodeRaw(options.body);
  return undefined;
}
