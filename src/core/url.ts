import { InvalidURLError } from './errors.js';

export type ParamScalar = string | number | boolean;
/** Query parameters: an object (arrays repeat the key; `null` removes a session param), pairs or URLSearchParams. */
export type ParamsInit = Record<string, ParamScalar | readonly ParamScalar[] | null | undefined> | URLSearchParams | Iterable<readonly [string, string]>;

const ABSOLUTE = /^[a-zA-Z][a-zA-Z\d+\-.]*:/;

/**
 * Resolves `input` against `baseUrl` by joining paths, as axios and ky do: `http://h/api` + `/users` is
 * `http://h/api/users` (WHATWG resolution would drop `/api`). An absolute URL ignores the base.
 */
export function resolveUrl(input: string | URL, baseUrl: string | URL | undefined): URL {
  if (input instanceof URL) return new URL(input.href);
  const href = joinedHref(input, baseUrl);
  let url: URL;
  try {
    url = new URL(href);
  } catch (err) {
    const hint = baseUrl === undefined && !ABSOLUTE.test(input) ? 'relative URL and no baseUrl set' : 'cannot be parsed';
    throw new InvalidURLError(href, hint, err);
  }
  checkScheme(url, href);
  return url;
}

/** The URL string a relative `input` stands for under `baseUrl`, before parsing (so dot segments are still in it). */
export function joinedHref(input: string, baseUrl: string | URL | undefined): string {
  return !ABSOLUTE.test(input) && baseUrl !== undefined ? joinBase(String(baseUrl), input) : input;
}

/** `http://h/api?v=1` + `/users?x=2` → `http://h/api/users?v=1&x=2`: the base's query is kept. */
function joinBase(baseUrl: string, input: string): string {
  const cut = baseUrl.search(/[?#]/);
  const base = (cut < 0 ? baseUrl : baseUrl.slice(0, cut)).replace(/\/+$/, '');
  const baseQuery = cut < 0 ? '' : baseUrl.slice(cut).replace(/#.*$/, '').slice(1);
  let href = input === '' ? base : `${base}/${input.replace(/^\/+/, '')}`;
  if (baseQuery) {
    const hash = href.indexOf('#');
    const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
    href = `${path}${path.includes('?') ? '&' : '?'}${baseQuery}${fragment}`;
  }
  return href;
}

function checkScheme(url: URL, input: string = url.href): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidURLError(input, `scheme ${url.protocol} is not supported (use http: or https:)`);
  }
}

function paramEntries(init: ParamsInit): Iterable<readonly [string, unknown]> {
  if (init instanceof URLSearchParams || Symbol.iterator in (init as object)) return init as Iterable<[string, string]>;
  return Object.entries(init);
}

/**
 * Merges session and request params as requests does: the request's keys replace the session's, and
 * `null`/`undefined` removes one. Returns `[name, value]` pairs in order.
 */
export function mergeParams(session: ParamsInit | undefined, request: ParamsInit | undefined): [string, string][] {
  const merged = new Map<string, unknown>();
  for (const init of [session, request]) {
    if (!init) continue;
    const seen = new Set<string>();
    for (const [k, v] of paramEntries(init)) {
      // Pairs may repeat a key; collect them instead of letting the last one win.
      if (seen.has(k) && v !== null && v !== undefined) {
        const prev = merged.get(k);
        merged.set(k, [...(Array.isArray(prev) ? prev : [prev]), v]);
        continue;
      }
      seen.add(k);
      merged.set(k, v);
    }
  }
  const out: [string, string][] = [];
  for (const [k, v] of merged) {
    if (v === null || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push([k, String(one)]);
  }
  return out;
}

/**
 * Appends params to the URL's query without re-encoding what is there already: signed and presigned
 * URLs must reach the server byte for byte.
 */
export function appendParams(url: URL, params: [string, string][]): void {
  if (params.length === 0) return;
  const added = new URLSearchParams(params).toString();
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
}
