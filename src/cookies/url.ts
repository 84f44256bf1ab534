// A reader for the plain http(s) URL strings that jar users pass (`https://host/path?query`): it
// gives the hostname and pathname WHATWG URL would, without building a URL (about 1 µs each, more
// than the whole cookie lookup). Anything it is not sure of is left to `new URL`: it accepts a URL
// only when every part is in a subset where WHATWG parsing is the identity, and says "don't know"
// otherwise (test/cookies/url.test.ts checks this against `new URL` with generated strings).

/** Where a plain http(s) URL's parts are in its string. */
export interface PlainHttpUrl {
  /** The hostname, as `URL.hostname` gives it. */
  host: string;
  /** `href.slice(pathStart, pathEnd)` is `URL.pathname`; an empty range means `/`. */
  pathStart: number;
  pathEnd: number;
  /** The scheme is https. */
  https: boolean;
}

const HOST = 1;
const PATH = 2;

/**
 * Characters that WHATWG URL keeps as they are: in a host, lower-case letters, digits, `-`, `_` and
 * `.` (upper case is lower-cased, `%` decoded, other characters are refused or mapped by IDNA); in a
 * path, RFC 3986's unreserved and sub-delims characters, `:`, `@`, `/` and `%` (the others are
 * percent-encoded, `\` is a slash).
 */
const CHAR_CLASS = (() => {
  const table = new Uint8Array(128);
  const mark = (chars: string, bits: number): void => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= bits;
  };
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  mark(lower + '0123456789-_', HOST | PATH);
  mark('.', PATH);
  mark(lower.toUpperCase() + "~!$&'()*+,;=:@/%", PATH);
  return table;
})();

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Reads `href` into `out` and returns true when it is an http(s) URL whose hostname and pathname
 * need none of WHATWG URL's rewriting: lower-case scheme and host, no userinfo, no IPv6 or
 * shortened/hex IPv4, no punycode, no dot segments, and only printable ASCII anywhere. False means
 * "ask `new URL`" (which may still accept it), never "invalid".
 */
export function readPlainHttpUrl(href: string, out: PlainHttpUrl): boolean {
  let i: number;
  if (href.startsWith('https://')) i = 8;
  else if (href.startsWith('http://')) i = 7;
  else return false;
  const hostStart = i;
  const hostEnd = scanHost(href, hostStart);
  if (hostEnd < 0) return false;
  i = skipPort(href, hostEnd);
  if (i < 0) return false;
  const pathEnd = scanPath(href, i);
  if (pathEnd < 0 || !restIsPrintable(href, pathEnd)) return false;
  out.host = href.slice(hostStart, hostEnd);
  out.pathStart = i;
  out.pathEnd = pathEnd;
  out.https = hostStart === 8;
  return true;
}

/**
 * The end of a plain host starting at `start`, or -1: non-empty labels of host characters; a host
 * whose last label starts with a digit only as a dotted quad without leading zeros (WHATWG reads
 * other numeric forms, like `127.1` or `0x7f.1`, as IPv4 too); no label with `--` in third and
 * fourth place (punycode's `xn--`, which IDNA decodes and checks).
 */
function scanHost(href: string, start: number): number {
  let labelStart = start;
  let labels = 1;
  let i = start;
  for (; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (c === 0x2e) {
      if (i === labelStart) return -1;
      labelStart = i + 1;
      labels++;
      continue;
    }
    if (c >= 128 || (CHAR_CLASS[c]! & HOST) === 0) break;
    if (c === 0x2d && i === labelStart + 3 && href.charCodeAt(i - 1) === 0x2d) return -1;
  }
  if (i === labelStart) return -1;
  if (isDigit(href.charCodeAt(labelStart)) && !isDottedQuad(href, start, i, labels)) return -1;
  return i;
}

/** Four decimal labels of 0–255 without leading zeros (each label is known to be non-empty). */
function isDottedQuad(href: string, start: number, end: number, labels: number): boolean {
  if (labels !== 4) return false;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 0x2e : href.charCodeAt(i);
    if (c === 0x2e) {
      if (value > 255 || (digits > 1 && href.charCodeAt(i - digits) === 0x30)) return false;
      value = 0;
      digits = 0;
    } else if (isDigit(c)) {
      value = value * 10 + c - 0x30;
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** The index after an optional `:port` (empty, or up to 5 digits ≤ 65535) that ends the authority, or -1. */
function skipPort(href: string, i: number): number {
  if (href.charCodeAt(i) === 0x3a) {
    let port = 0;
    const start = ++i;
    while (i < href.length && isDigit(href.charCodeAt(i))) {
      port = port * 10 + href.charCodeAt(i) - 0x30;
      if (++i - start > 5) return -1;
    }
    if (port > 65535) return -1;
  }
  if (i === href.length) return i;
  const c = href.charCodeAt(i);
  return c === 0x2f || c === 0x3f || c === 0x23 ? i : -1;
}

/**
 * The end of the path starting at `i` (at `?`, `#` or the end), or -1 when a character would be
 * encoded or a segment may be a dot segment: a short one that starts with `.` or `%` (`..`, `%2e`,
 * `.%2E`: WHATWG removes them), so that `/.well-known` is left to `new URL` too.
 */
function scanPath(href: string, i: number): number {
  let segmentStart = i;
  for (; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (c === 0x3f || c === 0x23) break;
    if (c >= 128 || (CHAR_CLASS[c]! & PATH) === 0) return -1;
    if (c === 0x2f) {
      if (mayBeDotSegment(href, segmentStart, i)) return -1;
      segmentStart = i + 1;
    }
  }
  return mayBeDotSegment(href, segmentStart, i) ? -1 : i;
}

function mayBeDotSegment(href: string, start: number, end: number): boolean {
  if (end - start > 6 || end === start) return false;
  const c = href.charCodeAt(start);
  return c === 0x2e || c === 0x25;
}

/** Query and fragment may hold anything printable: WHATWG encodes it there and never fails. */
function restIsPrintable(href: string, i: number): boolean {
  for (; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}
