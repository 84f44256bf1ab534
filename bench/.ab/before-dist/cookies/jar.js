import { debuglog } from 'node:util';
import { Cookie } from './cookie.js';
import { domainMatch, isAsciiDomain, isIpAddress, isPublicSuffix, isSecureOrigin } from './domain.js';
import { CookieJarError } from './errors.js';
import { MemoryCookieStore } from './memory-store.js';
import { parseNetscape, toNetscape } from './netscape.js';
import { isRejection, parseSetCookie } from './parse.js';
import { defaultPath, pathMatch } from './path.js';
import { fromSerialized, toSerialized } from './serialize.js';
import { parseToughCookieJson } from './tough-import.js';
import { validateCookieInit } from './validate.js';
const debug = debuglog('sessio:cookies');
/** RFC 6265bis caps Expires and Max-Age at 400 days from now. */
export const MAX_COOKIE_LIFETIME_MS = 400 * 24 * 3600 * 1000;
/** Bound of the per-jar memo of public suffix answers. */
const SUFFIX_CACHE_LIMIT = 4096;
/**
 * An RFC 6265bis cookie jar: parses Set-Cookie headers, stores cookies and produces Cookie headers.
 * Invalid cookies are ignored (logged with NODE_DEBUG=sessio:cookies, values never logged); no
 * Set-Cookie input makes it throw.
 */
export class CookieJar {
    store;
    maxPerDomain;
    maxTotal;
    clock;
    rejectPublicSuffixes;
    nextIndex = 1;
    /** Reused by getCookieHeader so the hot path allocates no array. */
    scratch = [];
    suffixCache = new Map();
    targetCache = { href: '', host: '', path: '/', secure: false };
    constructor(options = {}) {
        this.store = options.store ?? new MemoryCookieStore();
        this.maxPerDomain = positiveLimit(options.maxPerDomain, 50);
        this.maxTotal = positiveLimit(options.maxTotal, 3000);
        this.clock = options.now ?? Date.now;
        this.rejectPublicSuffixes = options.rejectPublicSuffixes ?? true;
        for (const c of this.store.all())
            this.nextIndex = Math.max(this.nextIndex, c.creationIndex + 1);
    }
    /**
     * Stores the cookie of one Set-Cookie header received in a response from `url`. Returns the stored
     * cookie (a copy; an expired one when the header deleted a cookie), or undefined when ignored.
     */
    setCookie(setCookie, url, opts) {
        const target = this.resolve(url);
        if (typeof setCookie !== 'string')
            return this.ignore(target.host, 'not a string');
        const now = opts?.now ?? this.clock();
        let parsed;
        try {
            parsed = parseSetCookie(setCookie);
        }
        catch {
            return this.ignore(target.host, 'unparsable');
        }
        if (isRejection(parsed))
            return this.ignore(target.host, parsed.reason);
        const http = opts?.http ?? true;
        const result = this.createCookie(parsed, target, now, http);
        if (typeof result === 'string')
            return this.ignore(target.host, result, parsed.name);
        return result.clone();
    }
    /** The Cookie header value for a request to `url`; '' when no cookie applies. */
    getCookieHeader(url, opts) {
        const found = this.collect(url, opts);
        if (found === 0)
            return '';
        const list = this.scratch;
        let header = list[0].cookiePair();
        for (let i = 1; i < found; i++)
            header += '; ' + list[i].cookiePair();
        return header;
    }
    /** The cookies a request to `url` would send, in Cookie-header order (copies). */
    getCookies(url, opts) {
        const found = this.collect(url, opts);
        const out = new Array(found);
        for (let i = 0; i < found; i++)
            out[i] = this.scratch[i].clone();
        return out;
    }
    /**
     * A cookie by name: the first one sent to `url`, or the one stored at exactly `domain` (and `path`).
     * Inspection only: it does not count as an access for eviction.
     */
    get(name, where, opts) {
        return this.locate(name, where, opts)[0]?.clone();
    }
    /** Deletes the cookies `get` would consider; returns how many were removed. */
    delete(name, where, opts) {
        let removed = 0;
        for (const c of this.locate(name, where, opts))
            if (this.store.remove(c))
                removed++;
        return removed;
    }
    /** Removes every cookie, or those of `domain` and its subdomains; returns how many. */
    clear(domain) {
        if (domain === undefined) {
            const n = this.store.size;
            this.store.removeAll();
            return n;
        }
        const d = normalizeDomainArg(domain);
        const doomed = [...this.store.all()].filter((c) => domainMatch(c.domain, d));
        for (const c of doomed)
            this.store.remove(c);
        return doomed.length;
    }
    /** Removes expired cookies; returns how many. */
    purgeExpired(now = this.clock()) {
        const doomed = [...this.store.all()].filter((c) => c.isExpired(now));
        for (const c of doomed)
            this.store.remove(c);
        return doomed.length;
    }
    /** Number of unexpired cookies. */
    get size() {
        this.purgeExpired();
        return this.store.size;
    }
    /** Iterates over copies of the unexpired cookies. */
    *[Symbol.iterator]() {
        this.purgeExpired();
        for (const c of [...this.store.all()])
            yield c.clone();
    }
    /** A versioned JSON form of the jar (session cookies included); see {@link CookieJar.fromJSON}. */
    toJSON() {
        this.purgeExpired();
        return toSerialized(this.store.all());
    }
    /**
     * Rebuilds a jar from {@link CookieJar.toJSON} output (object or JSON text).
     * @throws CookieJarError `ERR_COOKIE_JAR_SCHEMA` when malformed, `ERR_COOKIE_JAR_SCHEMA_VERSION` when newer.
     */
    static fromJSON(json, options) {
        const jar = new CookieJar(options);
        jar.importAll(fromSerialized(json));
        return jar;
    }
    /** The jar in Netscape cookies.txt format (curl, wget), HttpOnly cookies as `#HttpOnly_` lines. */
    toNetscape() {
        this.purgeExpired();
        return toNetscape(this.store.all());
    }
    /** Adds the cookies of a Netscape cookies.txt file; returns how many were imported. */
    importNetscape(text) {
        return this.importAll(parseNetscape(text, debug));
    }
    /** A jar holding the cookies of a Netscape cookies.txt file. */
    static fromNetscape(text, options) {
        const jar = new CookieJar(options);
        jar.importNetscape(text);
        return jar;
    }
    /**
     * Adds the cookies of a tough-cookie jar serialized with `serializeSync()`/`toJSON()` (object or
     * JSON text); returns how many were imported. Max-Age counts from the cookie's creation.
     */
    importToughCookie(json) {
        return this.importAll(parseToughCookieJson(json, this.clock()));
    }
    importAll(inits) {
        const now = this.clock();
        let imported = 0;
        for (const init of inits) {
            const reason = validateCookieInit(init);
            if (reason !== undefined) {
                debug('skipped imported cookie for %s: %s', String(init.domain).slice(0, 255), reason);
                continue;
            }
            if (init.expires !== undefined && init.expires <= now)
                continue;
            const cookie = new Cookie({
                ...init,
                expires: init.expires === undefined ? undefined : Math.min(init.expires, now + MAX_COOKIE_LIFETIME_MS),
                creationIndex: this.nextIndex++,
            });
            this.store.put(cookie);
            this.enforceLimits(cookie, now);
            imported++;
        }
        return imported;
    }
    /**
     * Puts the cookies for `url` at the start of `scratch` in header order, marks them accessed and
     * returns their number. Entries past that number are stale (kept to avoid reallocating).
     */
    collect(url, opts, touch = true) {
        const target = this.resolve(url);
        const now = opts?.now ?? this.clock();
        const http = opts?.http ?? true;
        const list = this.scratch;
        const n = this.store.match(target.host, target.path, list);
        let kept = 0;
        let expired;
        for (let i = 0; i < n; i++) {
            const c = list[i];
            if (c.expires !== undefined && c.expires <= now) {
                (expired ??= []).push(c);
                continue;
            }
            if ((c.secure && !target.secure) || (c.httpOnly && !http))
                continue;
            list[kept++] = c;
        }
        if (expired)
            for (const c of expired)
                this.store.remove(c);
        if (touch && kept > 0)
            this.store.touch(list, kept, now);
        return kept;
    }
    locate(name, where, opts) {
        if ('url' in where) {
            const found = this.collect(where.url, opts, false);
            return this.scratch.slice(0, found).filter((c) => c.name === name);
        }
        const domain = normalizeDomainArg(where.domain);
        const now = opts?.now ?? this.clock();
        const http = opts?.http ?? true;
        return this.store
            .domainCookies(domain)
            .filter((c) => c.name === name && (where.path === undefined || c.path === where.path) && !c.isExpired(now) && (http || !c.httpOnly));
    }
    /** RFC 6265bis section 5.7 storage model; returns the reason when the cookie is ignored. */
    createCookie(p, t, now, http) {
        if (t.host === '')
            return 'no host';
        let expires;
        if (p.maxAge !== undefined) {
            expires = p.maxAge <= 0 ? Number.MIN_SAFE_INTEGER : now + Math.min(p.maxAge * 1000, MAX_COOKIE_LIFETIME_MS);
        }
        else if (p.expires !== undefined) {
            expires = Math.min(p.expires, now + MAX_COOKIE_LIFETIME_MS);
        }
        let domainAttr = p.domain ?? '';
        if (domainAttr === '.')
            return 'Domain=. names no domain';
        if (domainAttr !== '') {
            if (!isAsciiDomain(domainAttr))
                return 'non-ASCII Domain';
        }
        if (domainAttr !== '' && this.rejectPublicSuffixes && this.isPublicSuffix(domainAttr)) {
            if (domainAttr !== t.host)
                return 'Domain is a public suffix';
            domainAttr = '';
        }
        let hostOnly = true;
        let domain = t.host;
        if (domainAttr !== '') {
            if (!domainMatch(t.host, domainAttr))
                return 'Domain does not match the host';
            if (t.host.length > 254)
                return 'Domain attribute from a host longer than DNS allows';
            // An IP address has no subdomains: Domain=<the IP> is the same as no Domain.
            if (!isIpAddress(t.host)) {
                hostOnly = false;
                domain = domainAttr;
            }
        }
        const path = typeof p.path === 'string' ? p.path : defaultPath(t.path);
        if (p.secure && !t.secure)
            return 'Secure cookie from an insecure origin';
        if (p.httpOnly && !http)
            return 'HttpOnly cookie from a non-HTTP API';
        if (!p.secure && !t.secure && this.shadowsSecureCookie(p.name, domain, path, now)) {
            return 'would overwrite a Secure cookie from an insecure origin';
        }
        const prefixError = checkPrefixes(p, hostOnly);
        if (prefixError !== undefined)
            return prefixError;
        const old = this.store.find(domain, path, p.name);
        if (old && old.httpOnly && !http)
            return 'would overwrite an HttpOnly cookie from a non-HTTP API';
        const cookie = new Cookie({
            name: p.name,
            value: p.value,
            domain,
            path,
            expires,
            secure: p.secure,
            httpOnly: p.httpOnly,
            sameSite: p.sameSite,
            hostOnly,
            partitioned: p.partitioned,
            creation: old ? old.creation : now,
            lastAccess: now,
            creationIndex: old ? old.creationIndex : this.nextIndex++,
        });
        if (expires !== undefined && expires <= now) {
            if (old)
                this.store.remove(old);
            return cookie;
        }
        this.store.put(cookie);
        this.enforceLimits(cookie, now);
        return cookie;
    }
    /** Public suffix check, memoized: a site sets many cookies with the same Domain attribute. */
    isPublicSuffix(domain) {
        let known = this.suffixCache.get(domain);
        if (known === undefined) {
            known = isPublicSuffix(domain);
            if (this.suffixCache.size >= SUFFIX_CACHE_LIMIT)
                this.suffixCache.clear();
            this.suffixCache.set(domain, known);
        }
        return known;
    }
    /** 6265bis: an insecure origin may not set a cookie that would shadow a Secure one. */
    shadowsSecureCookie(name, domain, path, now) {
        if (!this.store.hasSecureNamed(name))
            return false;
        for (const c of this.store.all()) {
            if (c.secure &&
                c.name === name &&
                !c.isExpired(now) &&
                (domainMatch(c.domain, domain) || domainMatch(domain, c.domain)) &&
                pathMatch(path, c.path)) {
                return true;
            }
        }
        return false;
    }
    /** Evicts expired, then least recently used cookies, never the one just stored. */
    enforceLimits(added, now) {
        if (this.store.domainCount(added.domain) > this.maxPerDomain) {
            const inDomain = this.store.domainCookies(added.domain).filter((c) => c !== added);
            evict(this.store, inDomain, this.store.domainCount(added.domain) - this.maxPerDomain, now);
        }
        if (this.store.size > this.maxTotal) {
            this.purgeExpired(now);
            if (this.store.size > this.maxTotal) {
                // Evict a tenth below the limit at once, as Chrome does, so a full jar pays for a scan
                // and sort of every cookie once per maxTotal/10 insertions instead of on each one.
                const target = this.maxTotal - Math.floor(this.maxTotal / 10);
                const others = [...this.store.all()].filter((c) => c !== added);
                evict(this.store, others, this.store.size - target, now);
            }
        }
    }
    /**
     * Reads host, path and origin security of `url` into `target`. The last URL is remembered by its
     * href: the Session asks about the same URL for several cookies and for the request after them.
     */
    resolve(url) {
        const t = this.targetCache;
        let href;
        let u;
        if (typeof url === 'string') {
            href = url;
        }
        else if (url instanceof URL) {
            href = url.href;
            u = url;
        }
        else {
            throw new CookieJarError('ERR_COOKIE_URL', 'cookie jar: url must be a string or URL');
        }
        if (href === t.href)
            return t;
        if (u === undefined) {
            try {
                u = new URL(href);
            }
            catch {
                throw new CookieJarError('ERR_COOKIE_URL', 'cookie jar: not an absolute URL');
            }
        }
        const host = u.hostname;
        const path = u.pathname;
        t.host = host;
        t.path = path.charCodeAt(0) === 0x2f ? path : '/';
        t.secure = isSecureOrigin(u.protocol, host);
        t.href = href;
        return t;
    }
    ignore(host, reason, name) {
        debug('ignored Set-Cookie %sfrom %s: %s', name ? `(name ${name.slice(0, 64)}) ` : '', host, reason);
        return undefined;
    }
}
/** `__Secure-` and `__Host-` name prefixes (case-insensitive), also hidden in a nameless cookie's value. */
function checkPrefixes(p, hostOnly) {
    const subject = p.name === '' ? p.value : p.name;
    if (p.name === '' && (startsWithCI(subject, '__secure-') || startsWithCI(subject, '__host-'))) {
        return 'nameless cookie with a prefixed value';
    }
    if (startsWithCI(subject, '__secure-') && !p.secure)
        return '__Secure- prefix without Secure';
    if (startsWithCI(subject, '__host-') && (!p.secure || !hostOnly || p.path !== '/')) {
        return '__Host- prefix without Secure, host-only and Path=/';
    }
    return undefined;
}
function startsWithCI(s, lowerPrefix) {
    return s.length >= lowerPrefix.length && s.charCodeAt(0) === 0x5f && s.slice(0, lowerPrefix.length).toLowerCase() === lowerPrefix;
}
function evict(store, candidates, excess, now) {
    candidates.sort((a, b) => Number(b.isExpired(now)) - Number(a.isExpired(now)) || a.lastAccess - b.lastAccess || a.creationIndex - b.creationIndex);
    for (let i = 0; i < excess && i < candidates.length; i++)
        store.remove(candidates[i]);
}
function positiveLimit(value, fallback) {
    if (value === undefined)
        return fallback;
    if (!Number.isInteger(value) || value < 1)
        throw new CookieJarError('ERR_COOKIE_OPTIONS', 'cookie jar: limits must be positive integers');
    return value;
}
function normalizeDomainArg(domain) {
    const d = domain.charCodeAt(0) === 0x2e ? domain.slice(1) : domain;
    return d.toLowerCase();
}
