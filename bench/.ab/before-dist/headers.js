import { InvalidHeaderError } from './errors.js';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;
/** Refuses a name that is not an HTTP token and a value with CR, LF or NUL, which would split the request. */
export function checkHeader(name, value) {
    if (!TOKEN.test(name))
        throw new InvalidHeaderError(name, 'not a valid header name');
    if (FORBIDDEN_VALUE.test(value))
        throw new InvalidHeaderError(name, 'value contains CR, LF or NUL');
}
function entriesOf(init) {
    if (typeof init.forEach === 'function' && !Array.isArray(init) && !(Symbol.iterator in init)) {
        const pairs = [];
        init.forEach((v, k) => pairs.push([k, v]));
        return pairs;
    }
    if (Symbol.iterator in init)
        return init;
    return Object.entries(init);
}
/**
 * Applies `init` over `target` the way requests merges session and request headers: names compare
 * case-insensitively, the later value wins, and `null`/`undefined` removes the header.
 */
export function applyHeaders(target, init) {
    if (!init)
        return target;
    for (const [rawName, value] of entriesOf(init)) {
        const name = rawName.toLowerCase();
        if (value === null || value === undefined) {
            delete target[name];
            continue;
        }
        if (Array.isArray(value)) {
            for (const v of value)
                checkHeader(rawName, v);
            target[name] = [...value];
        }
        else {
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
export function headerBag(initial) {
    const key = (p) => (typeof p === 'string' ? p.toLowerCase() : p);
    return new Proxy(initial, {
        get: (target, p) => Reflect.get(target, key(p)),
        has: (target, p) => Reflect.has(target, key(p)),
        deleteProperty: (target, p) => Reflect.deleteProperty(target, key(p)),
        set: (target, p, value) => {
            if (typeof p !== 'string')
                return false;
            applyHeaders(target, { [p]: value });
            return true;
        },
        defineProperty: () => false,
    });
}
/** Case-insensitive lookup in request headers. */
export function headerValue(headers, name) {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
}
/**
 * Response headers: case-insensitive, multi-valued. `get()` joins repeated fields with `, ` like fetch;
 * `getAll()` and `getSetCookie()` keep them apart, since Set-Cookie values cannot be joined.
 */
export class Headers {
    #fields;
    /** @param fields lower-case names to values, as undici parses them */
    constructor(fields = {}) {
        this.#fields = fields;
    }
    #field(name) {
        const key = name.toLowerCase();
        return Object.hasOwn(this.#fields, key) ? this.#fields[key] : undefined;
    }
    get(name) {
        const v = this.#field(name);
        if (v === undefined)
            return null;
        return Array.isArray(v) ? v.join(', ') : v;
    }
    getAll(name) {
        const v = this.#field(name);
        if (v === undefined)
            return [];
        return Array.isArray(v) ? [...v] : [v];
    }
    getSetCookie() {
        return this.getAll('set-cookie');
    }
    has(name) {
        return this.#field(name) !== undefined;
    }
    *entries() {
        for (const name of Object.keys(this.#fields).sort()) {
            const v = this.#fields[name];
            if (v === undefined)
                continue;
            if (name === 'set-cookie' && Array.isArray(v))
                for (const one of v)
                    yield [name, one];
            else
                yield [name, Array.isArray(v) ? v.join(', ') : v];
        }
    }
    keys() {
        return Object.keys(this.#fields).sort()[Symbol.iterator]();
    }
    forEach(cb) {
        for (const [k, v] of this.entries())
            cb(v, k);
    }
    [Symbol.iterator]() {
        return this.entries();
    }
    /** The fields as a plain object (repeated fields as arrays). */
    toJSON() {
        const out = {};
        for (const [k, v] of Object.entries(this.#fields))
            if (v !== undefined)
                out[k] = Array.isArray(v) ? [...v] : v;
        return out;
    }
}
