import { InvalidHeaderError } from './errors.js';
import { redactHeaders } from './redact.js';
import type { RequestHeaders } from './fields.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Header values as users write them; `null` or `undefined` removes a session default. */
export type HeaderValue = string | number | readonly string[] | null | undefined;
/** Headers as users pass them: a plain object, pairs, or a WHATWG `Headers`. */
export type HeadersInit = Record<string, HeaderValue> | Iterable<readonly [string, string]> | { forEach(cb: (value: string, name: string) => void): void };

export type { RequestHeaders } from './fields.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;

/** Refuses a name that is not an HTTP token and a value with CR, LF or NUL, which would split the request. */
export function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new InvalidHeaderError(name, 'not a valid header name');
  if (FORBIDDEN_VALUE.test(value)) throw new InvalidHeaderError(name, 'value contains CR, LF or NUL');
}

function entriesOf(init: HeadersInit): Iterable<readonly [string, HeaderValue]> {
  if (typeof (init as { forEach?: unknown }).forEach === 'function' && !Array.isArray(init) && !(Symbol.iterator in (init as object))) {
    const pairs: [string, string][] = [];
    (init as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => pairs.push([k, v]));
    return pairs;
  }
  if (Symbol.iterator in (init as object)) return init as Iterable<readonly [string, string]>;
  return Object.entries(init as Record<string, HeaderValue>);
}

/**
 * Applies `init` over `target` the way requests merges session and request headers: names compare
 * case-insensitively, the later value wins, and `null`/`undefined` removes the header.
 */
export function applyHeaders(target: RequestHeaders, init: HeadersInit | undefined): RequestHeaders {
  if (!init) return target;
  for (const [rawName, value] of entriesOf(init)) {
    const name = rawName.toLowerCase();
    if (value === null || value === undefined) {
      delete target[name];
      continue;
    }
    if (Array.isArray(value)) {
      for (const v of value) checkHeader(rawName, v);
      target[name] = [...(value as string[])];
    } else {
      const v = String(value);
      checkHeader(rawName, v);
      target[name] = v;
    }
  }
  return target;
}

/**
 * The session's default headers as a plain-looking object that lower-cases names and checks values on
 * every write, so `s.headers['Authorization'] = …` is treated like `authorization` everywhere (merging,
 * redaction, stripping on cross-origin redirects) and CR/LF can never get in.
 */
export function headerBag(initial: RequestHeaders): RequestHeaders {
  return new Proxy(initial, HEADER_BAG);
}

const bagKey = (p: string | symbol) => (typeof p === 'string' ? p.toLowerCase() : p);

/** One handler for every bag (the traps get their target): a session's bag costs no closures of its own. */
const HEADER_BAG: ProxyHandler<RequestHeaders> = {
  get: (target, p) => Reflect.get(target, bagKey(p)),
  has: (target, p) => Reflect.has(target, bagKey(p)),
  deleteProperty: (target, p) => Reflect.deleteProperty(target, bagKey(p)),
  set: (target, p, value: HeaderValue) => {
    if (typeof p !== 'string') return false;
    applyHeaders(target, { [p]: value });
    return true;
  },
  defineProperty: () => false,
};

/** Case-insensitive lookup in request headers. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Response headers: case-insensitive, multi-valued. `get()` joins repeated fields with `, ` like fetch;
 * `getAll()` and `getSetCookie()` keep them apart, since Set-Cookie values cannot be joined.
 */
export class Headers implements Iterable<[string, string]> {
  readonly #fields: Record<string, string | string[] | undefined>;

  /** @param fields lower-case names to values, as undici parses them */
  constructor(fields: Record<string, string | string[] | undefined> = {}) {
    this.#fields = fields;
  }

  #field(name: string): string | string[] | undefined {
    const key = name.toLowerCase();
    return Object.hasOwn(this.#fields, key) ? this.#fields[key] : undefined;
  }

  get(name: string): string | null {
    const v = this.#field(name);
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }

  getAll(name: string): string[] {
    const v = this.#field(name);
    if (v === undefined) return [];
    return Array.isArray(v) ? [...v] : [v];
  }

  getSetCookie(): string[] {
    return this.getAll('set-cookie');
  }

  has(name: string): boolean {
    return this.#field(name) !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.#fields).sort()) {
      const v = this.#fields[name];
      if (v === undefined) continue;
      if (name === 'set-cookie' && Array.isArray(v)) for (const one of v) yield [name, one];
      else yield [name, Array.isArray(v) ? v.join(', ') : v];
    }
  }

  keys(): IterableIterator<string> {
    return Object.keys(this.#fields).sort()[Symbol.iterator]();
  }

  forEach(cb: (value: string, name: string) => void): void {
    for (const [k, v] of this.entries()) cb(v, k);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** The fields as a plain object (repeated fields as arrays). */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(this.#fields)) if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
    return out;
  }

  /** `console.log(r.headers)`: every field, with Set-Cookie values, tokens and credentials redacted. */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `Headers ${inspect(redactHeaders(this.toJSON()), options)}`;
  }
}

/** A copy of the headers whose arrays are copied too, so that changing one never changes the other. */
export function copyHeaders(headers: Readonly<RequestHeaders>): RequestHeaders {
  const out: RequestHeaders = {};
  for (const k in headers) {
    const v = headers[k]!;
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}
