// `pathAsIs`: the path goes on the wire as the caller wrote it, dot segments included, where WHATWG
// URL parsing would remove `/../` and `/./` (curl's and HTTPie's --path-as-is, for testing servers).
import { ContextKey } from './context.js';

/** The path as written, for the hop whose URL is `href` (redirects and other targets are normalised). */
export const RAW_PATH = new ContextKey<{ readonly href: string; readonly path: string }>('pathAsIs');

// The WHATWG path percent-encode set, less `?` and `#` (the path ends before them).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ENCODE = /[^\u0021-\u007e]|["<>`{}]/gu;

/**
 * An absolute http(s) URL string split as WHATWG URL splits it, before any path tidying: its
 * `scheme://authority` and its path as written (a `\\` ends the authority, as it does there).
 */
export const WRITTEN_URL = /^(https?:\/\/[^/\\?#]*)([^?#]*)/i;

/**
 * The path of an absolute URL string as written, percent-encoding only what a request target cannot
 * carry (and `\\` read as `/`, as URL parsing does for http); undefined when it is not an http(s) URL.
 */
export function writtenPath(href: string): string | undefined {
  const m = WRITTEN_URL.exec(href);
  return m ? (m[2] || '/').replace(/\\/g, '/').replace(LONE_SURROGATE, '\ufffd').replace(ENCODE, (c) => encodeURIComponent(c)) : undefined;
}

/** Whether a path has dot segments that URL parsing would remove. */
export function hasDotSegments(path: string): boolean {
  return /\/\.\.?(?:\/|$)/.test(path);
}

/** The request target of a hop: its written path when it has one, else the parsed URL's. */
export function wirePath(url: URL, raw: { readonly href: string; readonly path: string } | undefined): string {
  return raw !== undefined && raw.href === url.href ? raw.path + url.search : url.pathname + url.search;
}
