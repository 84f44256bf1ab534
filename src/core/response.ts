import type { Readable } from 'node:stream';
import { HTTPError, SessioError, safeUrl } from './errors.js';
import { inspectRedacted, redactText } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
import type { Headers } from './headers.js';
import type { SentRequest } from './request.js';

/** One redirect hop kept in `response.history`. */
export interface Hop {
  readonly status: number;
  readonly statusText: string;
  /** `HTTP/2` or `HTTP/1.1`: the protocol of the connection that answered. */
  readonly httpVersion: string;
  readonly url: string;
  readonly headers: Headers;
  readonly request: SentRequest;
}

const EXCERPT = 200;
/** What an HTTPError gets of the body: enough for an error JSON to parse whole (it shows at most 200 characters). */
const ERROR_BODY = 4096;

function charsetOf(contentType: string | null): string {
  const m = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return m?.[1]?.toLowerCase() ?? 'utf-8';
}

// Decoders by charset label: a non-streaming decode() keeps no state, and making one per response
// was a visible share of the CPU per request in the benchmarks.
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();
const MAX_CACHED_DECODERS = 32;

function decoderFor(charset: string): InstanceType<typeof TextDecoder> {
  let decoder = decoders.get(charset);
  if (decoder) return decoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8'); // an unknown charset label: UTF-8, as browsers fall back
  }
  if (decoders.size < MAX_CACHED_DECODERS) decoders.set(charset, decoder);
  return decoder;
}

function decodeText(bytes: Uint8Array, contentType: string | null): string {
  return decoderFor(charsetOf(contentType)).decode(bytes);
}

/**
 * A response. By default the whole body has been read when you get it (the socket is back in the
 * pool); with `stream: true`, `body` is a Readable that you must consume or destroy.
 */
export class Response implements Hop {
  readonly status: number;
  readonly statusText: string;
  /** `HTTP/2` when the connection that answered speaks h2 (the `http2` option), else `HTTP/1.1`. */
  readonly httpVersion: string;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly headers: Headers;
  /** Every redirect hop before this response, oldest first. */
  history: Hop[] = [];
  /** Milliseconds from sending the request to the response (the end of the body unless streaming). */
  readonly elapsed: number;
  /** What was sent for this response's hop (redacted in its string form). */
  readonly request: SentRequest;
  #bytes: Uint8Array | undefined;
  #stream: Readable | undefined;
  #text: string | undefined;

  constructor(init: {
    status: number;
    statusText: string;
    /** Default `HTTP/1.1`. */
    httpVersion?: string;
    url: string;
    headers: Headers;
    elapsed: number;
    request: SentRequest;
    bytes?: Uint8Array;
    stream?: Readable;
  }) {
    this.status = init.status;
    this.statusText = init.statusText;
    this.httpVersion = init.httpVersion ?? 'HTTP/1.1';
    this.url = init.url;
    this.headers = init.headers;
    this.elapsed = init.elapsed;
    this.request = init.request;
    this.#bytes = init.bytes;
    this.#stream = init.stream;
  }

  /** True for 2xx and 3xx statuses, as requests' `ok` (less than 400). */
  get ok(): boolean {
    return this.status < 400;
  }

  /** The streaming body (`stream: true`), or undefined when the body was read already. */
  get body(): Readable | undefined {
    return this.#stream;
  }

  /** The body as bytes (reads the stream to its end when streaming). */
  async bytes(): Promise<Uint8Array> {
    if (this.#bytes) return this.#bytes;
    const stream = this.#stream;
    if (!stream) return (this.#bytes = new Uint8Array(0));
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded || stream.destroyed) {
      throw new SessioError('The response stream was already consumed or cancelled', { code: 'ERR_BODY_USED', url: this.url });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    this.#stream = undefined;
    return (this.#bytes = Buffer.concat(chunks));
  }

  /** The body decoded with the charset of Content-Type (UTF-8 by default). */
  async text(): Promise<string> {
    return this.#textNow() ?? (this.#text = decodeText(await this.bytes(), this.headers.get('content-type')));
  }

  /** The text without waiting when the body was read already (the default), saving async hops per response. */
  #textNow(): string | undefined {
    if (this.#text === undefined && this.#bytes) this.#text = decodeText(this.#bytes, this.headers.get('content-type'));
    return this.#text;
  }

  /** The body parsed as JSON; a body that is not JSON throws with an excerpt of what came. */
  async json<T = unknown>(): Promise<T> {
    const text = this.#textNow() ?? (await this.text());
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const excerpt = redactText(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text);
      throw new SessioError(`Response of ${this.request.method} ${safeUrl(this.url)} (status ${this.status}, ${this.headers.get('content-type') ?? 'no content-type'}) is not JSON: ${JSON.stringify(excerpt)}`,
        { code: 'ERR_JSON', method: this.request.method, url: this.url, cause: err });
    }
  }

  /** The body text when already read, else ''; used for error excerpts without consuming a stream. */
  peekText(): string {
    return this.#bytes ? (this.#text ??= decodeText(this.#bytes, this.headers.get('content-type'))) : '';
  }

  /** Throws {@link HTTPError} for 4xx and 5xx statuses; returns the response otherwise. */
  /** `console.log(r)`: status, URL, headers, history and request, with every secret redacted (never the body). */
  [INSPECT](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspectRedacted.call(this, depth, options, inspect);
  }

  raiseForStatus(): this {
    if (this.status >= 400) {
      const text = this.peekText().replace(/\s+/g, ' ').trim();
      throw new HTTPError(this, this.request.method, redactText(text.length > ERROR_BODY ? `${text.slice(0, ERROR_BODY)}…` : text));
    }
    return this;
  }

  /** Releases a streaming body that will not be read. */
  async cancel(): Promise<void> {
    this.#stream?.destroy();
    this.#stream = undefined;
  }
}
