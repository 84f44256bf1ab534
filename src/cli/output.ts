import { redactHeaders, redactUrl, REDACTED, isSecretField, type Hop, type SentRequest } from '../index.js';
import type { Palette } from './colors.js';

/** HTTPie's --print letters: H request headers, B request body, h response headers, b response body, m meta. */
export type Part = 'H' | 'B' | 'h' | 'b' | 'm';

/** Parses `--print` letters. */
export function parseParts(spec: string): Set<Part> | undefined {
  if (!/^[HBhbm]+$/.test(spec)) return undefined;
  return new Set(spec.split('') as Part[]);
}

/**
 * `POST /path HTTP/1.1` and the headers in the order and (lower) case undici writes them: Host and
 * Connection first, then the request's own, then Content-Length (or Transfer-Encoding for a
 * stream); secrets redacted. `sorted` sorts them by name (--sorted).
 */
export function requestHead(sent: SentRequest, pal: Palette, sorted: boolean): string {
  const url = new URL(redactUrl(sent.url));
  const fields: [string, string][] = [['host', url.host], ['connection', 'keep-alive']];
  const headers = sent.redactedHeaders();
  for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) fields.push([k, one]);
  // The framing undici adds, unless sessio set it already (a multipart body's Content-Length).
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) fields.push(...framing(sent));
  // The path as sent (--path-as-is keeps dot segments that URL parsing would remove), the query redacted.
  const path = sent.target.replace(/[?#].*$/s, '');
  const lines = [`${pal.green(sent.method)} ${pal.cyan(path + url.search)} ${pal.dim('HTTP/1.1')}`];
  for (const [k, v] of sortedIf(fields, sorted)) lines.push(headerLine(k, v, pal));
  return lines.join('\n');
}

function framing(sent: SentRequest): [string, string][] {
  const body = sent.body;
  if (body && body.size !== undefined) return [['content-length', String(body.size)]];
  if (body) return [['transfer-encoding', 'chunked']];
  return ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT'].includes(sent.method) ? [] : [['content-length', '0']];
}

/** `HTTP/1.1 200 OK` and the response headers as received (lower case, as undici parses them), Set-Cookie values redacted. */
export function responseHead(res: Hop, pal: Palette, sorted: boolean): string {
  const color = res.status >= 400 ? pal.red : res.status >= 300 ? pal.yellow : pal.green;
  const lines = [`${pal.dim('HTTP/1.1')} ${color(pal.bold(`${res.status} ${res.statusText}`))}`];
  // toJSON keeps the order received; iterating Headers sorts by name, as WHATWG Headers do.
  const fields: [string, string][] = [];
  for (const [k, vs] of Object.entries(redactHeaders(res.headers.toJSON()))) for (const v of Array.isArray(vs) ? vs : [vs]) fields.push([k, v]);
  for (const [k, v] of sortedIf(fields, sorted)) lines.push(headerLine(k, v, pal));
  return lines.join('\n');
}

function sortedIf(fields: [string, string][], sorted: boolean): [string, string][] {
  return sorted ? [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : fields;
}

function headerLine(name: string, value: string, pal: Palette): string {
  return `${pal.cyan(name)}: ${value}`;
}

/** Whether a Content-Type is JSON (`application/json`, `application/problem+json`…). */
export function isJsonType(contentType: string | null): boolean {
  return contentType !== null && /^[^;]*[/+]json\b/i.test(contentType);
}

/** The response body for a terminal: JSON indented and coloured, text as is, binary data as a note. */
export function prettyBody(bytes: Uint8Array, contentType: string | null, pal: Palette, sorted = false): string {
  if (bytes.length === 0) return '';
  if (looksBinary(bytes)) return pal.yellow('+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+');
  const text = Buffer.from(bytes).toString('utf8');
  if (isJsonType(contentType) || /^\s*[{[]/.test(text)) {
    try {
      return colorJson(JSON.parse(text), pal, '', sorted);
    } catch {
      // not JSON after all: shown as text
    }
  }
  return text;
}

function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.length < bytes.length ? head.subarray(0, head.length - 4) : head);
    return false;
  } catch {
    return true;
  }
}

/** JSON.stringify with 4-space indent and colours: keys blue, strings green, numbers and literals yellow. */
export function colorJson(value: unknown, pal: Palette, indent = '', sorted = false): string {
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + colorJson(v, pal, inner, sorted)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = sorted ? Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${pal.blue(JSON.stringify(k))}: ${colorJson(v, pal, inner, sorted)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return pal.green(JSON.stringify(value));
  return pal.yellow(JSON.stringify(value) ?? 'null');
}

/** The request body as --print B shows it, from what was sent: secret fields (password, tokens) redacted. */
export function requestBodyText(sent: SentRequest, pal: Palette, pretty: boolean): string {
  const body = sent.body;
  if (!body) return '';
  if (body.kind === 'multipart') return multipartText(body.multipart as Record<string, unknown> | undefined);
  if (body.data === undefined) return pal.dim('(streamed body, not shown)');
  const bytes = typeof body.data === 'string' ? Buffer.from(body.data) : Buffer.from(body.data);
  if (sent.headers['content-encoding'] !== undefined || looksBinary(bytes)) return pal.yellow('+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+');
  const text = bytes.toString('utf8');
  const type = String(sent.headers['content-type'] ?? '');
  if (isJsonType(type)) {
    try {
      const safe = redactFields(JSON.parse(text));
      return pretty ? colorJson(safe, pal) : JSON.stringify(safe);
    } catch {
      return text;
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(type)) {
    // Built by hand: URLSearchParams would percent-encode the [REDACTED] marker.
    const pairs = [...new URLSearchParams(text)].map(([k, v]) => `${encodeURIComponent(k)}=${isSecretField(k) ? REDACTED : encodeURIComponent(v)}`);
    return pairs.join('&');
  }
  return text;
}

function multipartText(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  const line = (k: string, v: unknown) => (v && typeof v === 'object' && 'path' in v ? `${k}@${String((v as { path: string }).path)}` : `${k}=${isSecretField(k) ? REDACTED : String(v)}`);
  return Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => line(k, one))).join('\n');
}

function redactFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactFields);
  if (value !== null && typeof value === 'object') {
    // A secret key hides its whole value, arrays and objects included (as redactText does).
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== null ? REDACTED : redactFields(v)]));
  }
  return value;
}
