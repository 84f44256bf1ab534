import type { RequestHeaders } from '../headers.js';
import { redactHeaders, redactText } from '../redact.js';
import { excerpt } from './body.js';
import type { BodySnapshot } from './body.js';

/** Characters of a body shown at the wire level. */
export const WIRE_EXCERPT = 1024;

const TEXTUAL = /^text\/|json|xml|javascript|x-www-form-urlencoded|html|csv|yaml|graphql/i;

/** Whether a content type is text that may be shown. */
export function isTextual(contentType: string | null | undefined): boolean {
  return !contentType || TEXTUAL.test(contentType);
}

/** `name: value` lines with secrets redacted. */
export function headerLines(headers: Readonly<RequestHeaders>, sensitive: ReadonlySet<string> | undefined): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(redactHeaders(headers, sensitive))) {
    if (Array.isArray(value)) for (const v of value) lines.push(`${name}: ${v}`);
    else lines.push(`${name}: ${value}`);
  }
  return lines;
}

/** A redacted excerpt of a request body, or a description when it cannot be shown. */
export function requestBodyExcerpt(body: BodySnapshot | undefined): string | undefined {
  if (!body) return undefined;
  if (body.kind === 'multipart') return `[multipart body${body.size === undefined ? '' : `, ${body.size} bytes`}, not shown]`;
  if (body.data === undefined) return `[stream body${body.size === undefined ? '' : `, ${body.size} bytes`}, not shown]`;
  return textExcerpt(body.data);
}

/** A redacted excerpt of text or bytes. */
export function textExcerpt(data: string | Uint8Array): string {
  const ex = excerpt(data, WIRE_EXCERPT);
  if (ex.binary) return `[${typeof data === 'string' ? data.length : data.byteLength} bytes binary]`;
  return redactText(ex.text) + (ex.truncated ? '…' : '');
}
