import type { RequestHeaders } from '../core/headers.js';
import { utf8Text } from '../core/log/body.js';
import { isSecretField, isSecretQuery, REDACTED, redactBody, REDACT_SCAN_LIMIT, redactHeaders, redactText, redactUrl } from '../core/redact.js';
import type { Response } from '../core/response.js';
import type { SentRequest } from '../core/request.js';
import { VERSION } from '../core/version.js';

/** Limits of HAR recording: memory stays bounded however long the session runs. */
export interface HarOptions {
  /** Entries kept; older ones are dropped first (default 1000). */
  maxEntries?: number;
  /** Bytes of each request and response body kept (default 64 KiB); longer bodies are truncated. */
  maxBodySize?: number;
}

/** Options of `s.har()`. */
export interface HarExportOptions {
  /** Replace credentials, cookies, tokens and password fields by `[REDACTED]` (default `true`). */
  redact?: boolean;
  /** Remove the exported entries from the recorder. */
  clear?: boolean;
}

/** A name/value pair of HAR headers, cookies, query strings and form params. */
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie extends HarNameValue {
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: HarNameValue[];
  comment?: string;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  ssl: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  comment?: string;
  /** Chrome DevTools' resource type, shown in its Network panel on import. */
  _resourceType?: string;
}

/** A HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/), as Chrome DevTools imports it. */
export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
    comment?: string;
  };
}

/** A body excerpt kept by the recorder: never more than maxBodySize bytes. */
interface KeptBody {
  bytes: Uint8Array;
  size: number;
  truncated: boolean;
}

/** One recorded hop, unredacted; redaction happens at export so that `{ redact: false }` is possible. */
interface Recorded {
  started: number;
  time: number;
  /** What was sent, without the body: a recorded entry must not pin a large body in memory. */
  request: { method: string; url: string; headers: Readonly<RequestHeaders>; redactedHeaders: RequestHeaders; sensitive: ReadonlySet<string> | undefined; bodySize: number | undefined; hasBody: boolean };
  requestBody: KeptBody | undefined;
  requestBodyNote: string | undefined;
  status: number;
  statusText: string;
  /** The protocol of the answer; '' when none came. */
  httpVersion: string;
  responseHeaders: Record<string, string | string[]>;
  responseBody: KeptBody | undefined;
  responseNote: string | undefined;
  error: string | undefined;
}

export const DEFAULT_HAR_ENTRIES = 1000;
export const DEFAULT_HAR_BODY = 64 * 1024;

function keep(data: string | Uint8Array, max: number): KeptBody {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  // A copy of at most `max` bytes, so that a recorded entry never pins a large body in memory.
  const slice = Buffer.from(bytes.subarray(0, max));
  return { bytes: slice, size: bytes.byteLength, truncated: bytes.byteLength > max };
}

/**
 * Records each hop of a session for HAR export. Bounded: at most `maxEntries` entries of at most
 * `maxBodySize` body bytes each; the oldest entries go first.
 */
export class HarRecorder {
  recording = false;
  #entries: Recorded[] = [];
  #dropped = 0;
  #maxEntries = DEFAULT_HAR_ENTRIES;
  #maxBody = DEFAULT_HAR_BODY;

  /** Starts (or goes on) recording, with new limits if given. */
  start(options: HarOptions = {}): void {
    if (options.maxEntries !== undefined) this.#maxEntries = Math.max(1, Math.floor(options.maxEntries));
    if (options.maxBodySize !== undefined) this.#maxBody = Math.max(0, Math.floor(options.maxBodySize));
    this.recording = true;
    this.#trim();
  }

  stop(): void {
    this.recording = false;
  }

  /** Records a hop that got a response; reads the body only when it was already read (never a stream). */
  async addResponse(res: Response, started: number): Promise<void> {
    let responseBody: KeptBody | undefined;
    let responseNote: string | undefined;
    if (res.body !== undefined) responseNote = 'streamed body, not recorded';
    else responseBody = keep(await res.bytes(), this.#maxBody);
    this.#push({
      ...this.#requestPart(res.request, started, res.elapsed),
      status: res.status,
      statusText: res.statusText,
      httpVersion: res.httpVersion,
      responseHeaders: res.headers.toJSON(),
      responseBody,
      responseNote,
      error: undefined,
    });
  }

  /** Records a hop that failed without a response (status 0, as browsers show it). */
  addError(request: SentRequest, err: unknown, started: number, time: number): void {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: string }).code;
    this.#push({
      ...this.#requestPart(request, started, time),
      status: 0,
      statusText: '',
      httpVersion: '',
      responseHeaders: {},
      responseBody: undefined,
      responseNote: undefined,
      error: `${e.name}${code ? ` ${code}` : ''}: ${e.message}`,
    });
  }

  /** The recording as a HAR 1.2 document. */
  toHar(options: HarExportOptions = {}): Har {
    const redact = options.redact ?? true;
    const entries = this.#entries.map((r) => toEntry(r, redact));
    const dropped = this.#dropped;
    if (options.clear) {
      this.#entries = [];
      this.#dropped = 0;
    }
    return {
      log: {
        version: '1.2',
        creator: { name: 'sessio', version: VERSION },
        entries,
        ...(dropped > 0 && { comment: `${dropped} older entries were dropped (maxEntries ${this.#maxEntries})` }),
      },
    };
  }

  #requestPart(request: SentRequest, started: number, time: number) {
    const body = request.body;
    let requestBody: KeptBody | undefined;
    let requestBodyNote: string | undefined;
    if (body?.data !== undefined) requestBody = keep(body.data, this.#maxBody);
    else if (body) requestBodyNote = `${body.kind} body${body.size === undefined ? '' : ` of ${body.size} bytes`}, not recorded`;
    const sent = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      redactedHeaders: request.redactedHeaders(),
      sensitive: request.sensitiveHeaders,
      bodySize: body?.size,
      hasBody: body !== undefined,
    };
    return { started, time, request: sent, requestBody, requestBodyNote };
  }

  #push(entry: Recorded): void {
    this.#entries.push(entry);
    this.#trim();
  }

  #trim(): void {
    const excess = this.#entries.length - this.#maxEntries;
    if (excess > 0) {
      this.#entries.splice(0, excess);
      this.#dropped += excess;
    }
  }
}

function pairs(headers: Readonly<RequestHeaders>): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: v });
  }
  return out;
}

function requestCookies(headers: Readonly<RequestHeaders>, redact: boolean): HarCookie[] {
  const raw = headers.cookie;
  if (raw === undefined) return [];
  const out: HarCookie[] = [];
  for (const pair of (Array.isArray(raw) ? raw.join('; ') : raw).split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    out.push({ name: pair.slice(0, eq).trim(), value: redact ? REDACTED : pair.slice(eq + 1).trim() });
  }
  return out;
}

/** The attributes HAR keeps from a Set-Cookie line. */
function responseCookie(line: string, redact: boolean): HarCookie | undefined {
  const [pair = '', ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const cookie: HarCookie = { name: pair.slice(0, eq).trim(), value: redact ? REDACTED : pair.slice(eq + 1).trim() };
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'expires') {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) cookie.expires = date.toISOString();
    }
  }
  return cookie;
}

function queryString(url: URL, redact: boolean): HarNameValue[] {
  return [...url.searchParams].map(([name, value]) => ({ name, value: redact && isSecretQuery(name) ? REDACTED : value }));
}

function headerValue(headers: Readonly<Record<string, string | string[]>>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function postData(r: Recorded, redact: boolean): HarPostData | undefined {
  const mimeType = headerValue(r.request.headers, 'content-type') ?? '';
  if (r.requestBodyNote) return { mimeType, text: '', comment: r.requestBodyNote };
  if (!r.requestBody) return undefined;
  const text = utf8Text(r.requestBody.bytes);
  if (text === undefined) return { mimeType, text: '', comment: `binary body of ${r.requestBody.size} bytes, not shown` };
  const shown = bodyText(text, redact, r.requestBody);
  const data: HarPostData = { mimeType, text: shown.text, ...(shown.comment && { comment: shown.comment }) };
  if (/^application\/x-www-form-urlencoded/i.test(mimeType)) {
    data.params = [...new URLSearchParams(text)].map(([name, value]) => ({ name, value: redact && isSecretField(name) ? REDACTED : value }));
  }
  return data;
}

function content(r: Recorded, redact: boolean): HarContent {
  const mimeType = headerValue(r.responseHeaders, 'content-type') ?? 'x-unknown';
  if (r.error) return { size: 0, mimeType, comment: redactText(r.error) };
  if (!r.responseBody) return { size: 0, mimeType, ...(r.responseNote && { comment: r.responseNote }) };
  const { bytes, size, truncated } = r.responseBody;
  if (size === 0) return { size, mimeType };
  const text = utf8Text(bytes);
  if (text === undefined) {
    return { size, mimeType, text: Buffer.from(bytes).toString('base64'), encoding: 'base64', ...(truncated && { comment: keptNote(r.responseBody) }) };
  }
  const shown = bodyText(text, redact, r.responseBody);
  return { size, mimeType, text: shown.text, ...(shown.comment && { comment: shown.comment }) };
}

function keptNote(body: KeptBody): string {
  return `truncated to ${body.bytes.byteLength} of ${body.size} bytes`;
}

/**
 * The text of a kept body as exported: redacted, and cut at the redaction scan limit, since text that
 * was not scanned for secrets must not be exported (this only bites when maxBodySize is raised).
 */
function bodyText(text: string, redact: boolean, body: KeptBody): { text: string; comment: string | undefined } {
  if (!redact) return { text, comment: body.truncated ? keptNote(body) : undefined };
  const r = redactBody(text);
  if (r.truncated) return { text: r.text, comment: `truncated to the first ${REDACT_SCAN_LIMIT} characters (of ${body.size} bytes) scanned for secrets` };
  return { text: r.text, comment: body.truncated ? keptNote(body) : undefined };
}

/** The session's extra sensitive header names, which SentRequest keeps but does not expose. */
function toEntry(r: Recorded, redact: boolean): HarEntry {
  const sent = r.request;
  const url = new URL(sent.url);
  const requestHeaders = redact ? sent.redactedHeaders : sent.headers;
  const responseHeaders = redact ? redactHeaders(r.responseHeaders, sent.sensitive) : r.responseHeaders;
  const location = headerValue(r.responseHeaders, 'location');
  let redirectURL = '';
  if (location) {
    try {
      redirectURL = new URL(location, url).href;
    } catch {
      redirectURL = location;
    }
  }
  const post = postData(r, redact);
  const time = Math.max(0, r.time);
  return {
    startedDateTime: new Date(r.started).toISOString(),
    time,
    request: {
      method: sent.method,
      url: redact ? redactUrl(url) : url.href,
      // The request went out on the connection that answered (HTTP/1.1 when none did).
      httpVersion: r.httpVersion || 'HTTP/1.1',
      cookies: requestCookies(sent.headers, redact),
      headers: pairs(requestHeaders),
      queryString: queryString(url, redact),
      ...(post && { postData: post }),
      headersSize: -1,
      bodySize: r.requestBody?.size ?? sent.bodySize ?? (sent.hasBody ? -1 : 0),
    },
    response: {
      status: r.status,
      statusText: r.statusText,
      httpVersion: r.httpVersion,
      cookies: [...(r.responseHeaders['set-cookie'] === undefined ? [] : [r.responseHeaders['set-cookie']].flat())]
        .map((line) => responseCookie(line, redact)).filter((c): c is HarCookie => c !== undefined),
      headers: pairs(responseHeaders),
      content: content(r, redact),
      redirectURL: redact && redirectURL ? redactUrl(redirectURL) : redirectURL,
      headersSize: -1,
      bodySize: -1,
      ...(r.error && { comment: redactText(r.error) }),
    },
    cache: {},
    _resourceType: 'fetch',
    // undici does not report phases; the whole exchange counts as waiting.
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: time, receive: 0, ssl: -1 },
  };
}
