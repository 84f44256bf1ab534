// Set-Cookie parsing by the algorithm of RFC 6265bis section 5.6 (draft-ietf-httpbis-rfc6265bis).
// A character scanner (one anchored character-class regex for the CTL check): every step is linear
// in the input length.
import type { SameSite } from './cookie.js';
import { parseCookieDate } from './date.js';
import { lowerCaseAsciiDomain } from './domain.js';

/** Largest name+value, in octets, that a cookie may have. */
export const MAX_NAME_VALUE_BYTES = 4096;
/** Attribute values longer than this, in octets, are ignored. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;

/** The result of parsing one set-cookie-string, before the storage model applies the request URL. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** From the last valid Expires attribute (ms since the epoch). */
  expires: number | undefined;
  /** From the last valid Max-Age attribute (seconds); wins over Expires. */
  maxAge: number | undefined;
  /**
   * From the last Domain attribute: leading dot removed, lower-cased when ASCII (a non-ASCII value is
   * kept as it is, for the jar to refuse); '' means host-only, '.' is invalid.
   */
  domain: string | undefined;
  /** From the last Path attribute; null when that attribute asked for the default path. */
  path: string | null | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: SameSite;
  partitioned: boolean;
}

/** A parse failure: the reason, for the debug log. */
export interface ParseRejection {
  reason: string;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Removes leading and trailing SP/HTAB only (String#trim also strips other whitespace). */
function trimWsp(s: string, start: number, end: number): string {
  while (start < end && isWsp(s.charCodeAt(start))) start++;
  while (end > start && isWsp(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * CTL characters other than HTAB make a set-cookie-string invalid as a whole. V8 runs this anchored
 * character class natively; on one-byte text (header values arrive as Latin-1) it is ~10% faster
 * than searching for a forbidden character, and on a CTL it backs off one character at a time to
 * the start, so it stays linear.
 */
const ALLOWED_ONLY = /^[\t\x20-\x7e\x80-\uffff]*$/;

function hasForbiddenControl(s: string): boolean {
  return !ALLOWED_ONLY.test(s);
}

/** UTF-8 length, computed only when the UTF-16 length cannot rule out the limit. */
function exceedsBytes(s: string, limit: number): boolean {
  if (s.length * 3 <= limit) return false;
  if (s.length > limit) return true;
  return Buffer.byteLength(s, 'utf8') > limit;
}

/** Whether name and value together are over 4096 octets of UTF-8 (counted only when they may be). */
export function exceedsNameValueLimit(name: string, value: string): boolean {
  return (name.length + value.length) * 3 > MAX_NAME_VALUE_BYTES && Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8') > MAX_NAME_VALUE_BYTES;
}

/** Max-Age digits of input[start, end), with an optional leading `-`; undefined when not a number. */
function parseMaxAge(input: string, start: number, end: number): number | undefined {
  let i = start;
  const negative = input.charCodeAt(i) === 0x2d && i < end;
  if (negative) i++;
  if (i >= end) return undefined;
  let n = 0;
  for (; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
  }
  return negative ? -n : n;
}

/** SameSite value of input[start, end), compared in place (case-insensitive) rather than copied. */
function parseSameSite(input: string, start: number, end: number): SameSite {
  switch (end - start) {
    case 3:
      return equalsLower(input, start, 'lax') ? 'lax' : 'default';
    case 4:
      return equalsLower(input, start, 'none') ? 'none' : 'default';
    case 6:
      return equalsLower(input, start, 'strict') ? 'strict' : 'default';
    default:
      return 'default';
  }
}

/** Whether input at `start` is `lower` ignoring ASCII case (`lower` is lower-case letters). */
function equalsLower(input: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = input.charCodeAt(start + i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** A ParsedSetCookie with every attribute absent, to be filled by {@link parseSetCookieInto}. */
export function emptyParsedSetCookie(): ParsedSetCookie {
  return {
    name: '',
    value: '',
    expires: undefined,
    maxAge: undefined,
    domain: undefined,
    path: undefined,
    secure: false,
    httpOnly: false,
    sameSite: 'default',
    partitioned: false,
  };
}

/**
 * Parses a set-cookie-string. Returns a rejection (never throws) when the string must be ignored:
 * a control character, no name and no value, or name+value over 4096 octets.
 */
export function parseSetCookie(input: string): ParsedSetCookie | ParseRejection {
  const out = emptyParsedSetCookie();
  const reason = parseSetCookieInto(input, out);
  return reason === undefined ? out : { reason };
}

/**
 * {@link parseSetCookie} into a caller-owned object (every field is overwritten), so the jar parses
 * each header without allocating a result; returns the rejection reason, or undefined.
 */
export function parseSetCookieInto(input: string, out: ParsedSetCookie): string | undefined {
  if (hasForbiddenControl(input)) return 'control character';
  const end = input.length;
  let semi = input.indexOf(';');
  if (semi === -1) semi = end;
  const eq = input.indexOf('=');
  let name: string;
  let value: string;
  if (eq === -1 || eq > semi) {
    name = '';
    value = trimWsp(input, 0, semi);
  } else {
    name = trimWsp(input, 0, eq);
    value = trimWsp(input, eq + 1, semi);
  }
  if (name === '' && value === '') return 'empty name and value';
  if (exceedsNameValueLimit(name, value)) return 'name and value over 4096 bytes';
  out.name = name;
  out.value = value;
  out.expires = undefined;
  out.maxAge = undefined;
  out.domain = undefined;
  out.path = undefined;
  out.secure = false;
  out.httpOnly = false;
  out.sameSite = 'default';
  out.partitioned = false;
  let pos = semi;
  while (pos < end) {
    const avStart = pos + 1;
    let avEnd = input.indexOf(';', avStart);
    if (avEnd === -1) avEnd = end;
    pos = avEnd;
    parseAttribute(input, avStart, avEnd, out);
  }
  return undefined;
}

const enum Attr {
  Unknown,
  Expires,
  MaxAge,
  Domain,
  Path,
  Secure,
  HttpOnly,
  SameSite,
  Partitioned,
}

/**
 * Attribute names as numbers: five bits a letter (a = 1 … z = 26, `-` = 27), the first six letters
 * in `head` and the rest in `tail`, so that a name read from the input compares as two integers.
 */
function nameCode(name: string): [number, number] {
  let head = 0;
  let tail = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i) === 0x2d ? 27 : name.charCodeAt(i) - 0x60;
    if (i < 6) head = (head << 5) | code;
    else tail = (tail << 5) | code;
  }
  return [head, tail];
}

const [DOMAIN] = nameCode('domain');
const [EXPIRES_HEAD, EXPIRES_TAIL] = nameCode('expires');
const [HTTPONLY_HEAD, HTTPONLY_TAIL] = nameCode('httponly');
const [MAXAGE_HEAD, MAXAGE_TAIL] = nameCode('max-age');
const [PATH] = nameCode('path');
const [PARTITIONED_HEAD, PARTITIONED_TAIL] = nameCode('partitioned');
const [SECURE] = nameCode('secure');
const [SAMESITE_HEAD, SAMESITE_TAIL] = nameCode('samesite');

/** Longest attribute name this parser knows (`partitioned`). */
const LONGEST_NAME = 11;

function attributeKind(length: number, head: number, tail: number): Attr {
  switch (length) {
    case 4:
      return head === PATH ? Attr.Path : Attr.Unknown;
    case 6:
      return head === DOMAIN ? Attr.Domain : head === SECURE ? Attr.Secure : Attr.Unknown;
    case 7:
      if (head === EXPIRES_HEAD && tail === EXPIRES_TAIL) return Attr.Expires;
      return head === MAXAGE_HEAD && tail === MAXAGE_TAIL ? Attr.MaxAge : Attr.Unknown;
    case 8:
      if (head === HTTPONLY_HEAD && tail === HTTPONLY_TAIL) return Attr.HttpOnly;
      return head === SAMESITE_HEAD && tail === SAMESITE_TAIL ? Attr.SameSite : Attr.Unknown;
    case 11:
      return head === PARTITIONED_HEAD && tail === PARTITIONED_TAIL ? Attr.Partitioned : Attr.Unknown;
    default:
      return Attr.Unknown;
  }
}

/** Applies the attribute input[start, end) (between two `;`) to `out`; unknown ones are skipped. */
function parseAttribute(input: string, start: number, end: number, out: ParsedSetCookie): void {
  let i = start;
  while (i < end && isWsp(input.charCodeAt(i))) i++;
  // Read the name's letters (ASCII case folded; `| 0x20` also maps CR to `-`, but the string has
  // no CR by now) into two integers, then compare those with the known names.
  const nameStart = i;
  let head = 0;
  let tail = 0;
  for (; i < end; i++) {
    const c = input.charCodeAt(i) | 0x20;
    let code: number;
    if (c >= 0x61 && c <= 0x7a) code = c - 0x60;
    else if (c === 0x2d) code = 27;
    else break;
    if (i - nameStart < 6) head = (head << 5) | code;
    else tail = (tail << 5) | code;
  }
  const nameLength = i - nameStart;
  if (nameLength < 4 || nameLength > LONGEST_NAME) return;
  const kind = attributeKind(nameLength, head, tail);
  if (kind === Attr.Unknown) return;
  while (i < end && isWsp(input.charCodeAt(i))) i++;
  let afterName: number;
  if (i === end) afterName = end;
  else if (input.charCodeAt(i) === 0x3d) afterName = i + 1;
  else return;
  let valueStart = afterName;
  let valueEnd = end;
  while (valueStart < valueEnd && isWsp(input.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isWsp(input.charCodeAt(valueEnd - 1))) valueEnd--;
  // 6265bis 5.6 step 5 applies to every attribute: even `Secure=<long>` is ignored.
  if ((valueEnd - valueStart) * 3 > MAX_ATTRIBUTE_VALUE_BYTES &&
      exceedsBytes(input.slice(valueStart, valueEnd), MAX_ATTRIBUTE_VALUE_BYTES)) {
    return;
  }
  switch (kind) {
    case Attr.Expires: {
      const t = parseCookieDate(input.slice(valueStart, valueEnd));
      if (t !== undefined) out.expires = t;
      return;
    }
    case Attr.MaxAge: {
      const n = parseMaxAge(input, valueStart, valueEnd);
      if (n !== undefined) out.maxAge = n;
      return;
    }
    case Attr.Domain: {
      // `Domain=` (empty) makes the cookie host-only; `Domain=.` names no domain at all, and
      // browsers (WPT domain-child #47) ignore such a cookie rather than make it host-only.
      if (valueEnd - valueStart === 1 && input.charCodeAt(valueStart) === 0x2e) {
        out.domain = '.';
        return;
      }
      if (valueStart < valueEnd && input.charCodeAt(valueStart) === 0x2e) valueStart++;
      out.domain = domainValue(input, valueStart, valueEnd);
      return;
    }
    case Attr.Path:
      out.path = input.charCodeAt(valueStart) === 0x2f && valueStart < valueEnd ? input.slice(valueStart, valueEnd) : null;
      return;
    case Attr.Secure:
      out.secure = true;
      return;
    case Attr.HttpOnly:
      out.httpOnly = true;
      return;
    case Attr.SameSite:
      out.sameSite = parseSameSite(input, valueStart, valueEnd);
      return;
    case Attr.Partitioned:
      out.partitioned = true;
      return;
  }
}

/**
 * The Domain attribute value last read: a site sends several cookies naming the same Domain, and
 * handing out the same string again spares the copy, the lower-casing and, later, the hashing and
 * comparing of a fresh string by the public suffix memo and the store.
 */
let lastDomain = '';

/** input[start, end) lower-cased (when ASCII), as the same string as last time when it has not changed. */
function domainValue(input: string, start: number, end: number): string {
  const last = lastDomain;
  if (end - start === last.length && input.startsWith(last, start)) return last;
  return (lastDomain = lowerCaseAsciiDomain(input.slice(start, end)));
}

/** Narrows a parse result to a rejection. */
export function isRejection(r: ParsedSetCookie | ParseRejection): r is ParseRejection {
  return 'reason' in r;
}
