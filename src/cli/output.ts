import { redactHeaders, redactUrl, REDACTED, isSecretField, type Hop, type SentRequest } from '../index.js';
import type { Palette } from './colors.js';

/** HTTPie's --print letters: H request headers, B request body, h response headers, b response body. */
export type Part = 'H' | 'B' | 'h' | 'b';

/** Parses `--print` letters. */
export function parseParts(spec: string): Set<Part> | undefined {
  if (!/^[HBhb]+$/.test(spec)) return undefined;
  return new Set(spec.split('') as Part[]);
}

/** `GET /path HTTP/1.1` and the headers as sent, secrets redacted. */
export function requestHead(sent: SentRequest, pal: Palette): string {
  const url = new URL(redactUrl(sent.url));
  const lines = [`${pal.green(sent.method)} ${pal.cyan(url.pathname + url.search)} ${pal.dim('HTTP/1.1')}`];
  lines.push(headerLine('Host', url.host, pal));
  for (const [k, v] of Object.entries(sent.redactedHeaders())) lines.push(headerLine(k, Array.isArray(v) ? v.join(', ') : v, pal));
  return lines.join('\n');
}

/** `HTTP/1.1 200 OK` and the response headers, Set-Cookie values redacted. */
export function responseHead(res: Hop, pal: Palette): string {
  const color = res.status >= 400 ? pal.red : res.status >= 300 ? pal.yellow : pal.green;
  const lines = [`${pal.dim('HTTP/1.1')} ${color(pal.bold(`${res.status} ${res.statusText}`))}`];
  const record: Record<string, string[]> = {};
  for (const [k, v] of res.headers) (record[k] ??= []).push(v);
  for (const [k, vs] of Object.entries(redactHeaders(record))) {
    for (const v of Array.isArray(vs) ? vs : [vs]) lines.push(headerLine(k, v, pal));
  }
  return lines.join('\n');
}

function headerLine(name: string, value: string, pal: Palette): string {
  return `${pal.cyan(name)}: ${value}`;
}

/** Whether a Content-Type is JSON (`application/json`, `application/problem+json`…). */
export function isJsonType(contentType: string | null): boolean {
  return contentType !== null && /^[^;]*[/+]json\b/i.test(contentType);
}

/** The response body for a terminal: JSON indented and coloured, text as is, binary data as a note. */
export function prettyBody(bytes: Uint8Array, contentType: string | null, pal: Palette): string {
  if (bytes.length === 0) return '';
  if (looksBinary(bytes)) return pal.yellow('+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+');
  const text = Buffer.from(bytes).toString('utf8');
  if (isJsonType(contentType) || /^\s*[{[]/.test(text)) {
    try {
      return colorJson(JSON.parse(text), pal);
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
export function colorJson(value: unknown, pal: Palette, indent = ''): string {
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + colorJson(v, pal, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${pal.blue(JSON.stringify(k))}: ${colorJson(v, pal, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return pal.green(JSON.stringify(value));
  return pal.yellow(JSON.stringify(value) ?? 'null');
}

/** The request body as --print B shows it: secret fields (password, tokens) redacted. */
export function requestBodyText(body: { json?: unknown; form?: Record<string, unknown>; multipart?: Record<string, unknown> }, pal: Palette, pretty: boolean): string {
  if (body.json !== undefined) {
    const safe = redactFields(body.json);
    return pretty ? colorJson(safe, pal) : JSON.stringify(safe);
  }
  if (body.form) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(body.form)) q.append(k, isSecretField(k) ? REDACTED : String(v));
    return q.toString();
  }
  if (body.multipart) {
    return Object.entries(body.multipart).map(([k, v]) => {
      if (v && typeof v === 'object' && 'path' in v) return `${k}@${String((v as { path: string }).path)}`;
      return `${k}=${isSecretField(k) ? REDACTED : String(v)}`;
    }).join('\n');
  }
  return '';
}

function redactFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactFields);
  if (value !== null && typeof value === 'object') {
    // A secret key hides its whole value, arrays and objects included (as redactText does).
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretField(k) && v !== null ? REDACTED : redactFields(v)]));
  }
  return value;
}
