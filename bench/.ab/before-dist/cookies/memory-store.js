import {} from './cookie.js';
import { isIpAddress } from './domain.js';
import { candidatePaths } from './path.js';
/** Hosts with more candidate cookies than this are looked up through the path index. */
const HOST_CANDIDATE_LIMIT = 32;
/** Longest DNS name (RFC 1035), trailing dot allowed. */
const MAX_DNS_NAME = 254;
/**
 * A domain with more cookies than this gets a path index, so a lookup walks the request path's
 * prefixes instead of every cookie. Below it a flat array is both smaller and faster to scan.
 */
const PATH_INDEX_THRESHOLD = 32;
/** The index is dropped again only well below the threshold, so a domain at the edge does not flap. */
const PATH_INDEX_DROP = 16;
/** Bound of the per-host memo of candidate cookies. */
const HOST_CACHE_LIMIT = 8192;
function byCreation(a, b) {
    return a.creation - b.creation || a.creationIndex - b.creationIndex;
}
function byPathThenCreation(a, b) {
    return b.path.length - a.path.length || byCreation(a, b);
}
/**
 * The default store: a map from cookie domain to its cookies in Cookie-header order. A lookup for
 * `a.b.example.com` reads the domains `a.b.example.com`, `b.example.com`, `example.com` and `com`,
 * never unrelated ones; a domain with many cookies also has a path index, so only paths that can
 * match are read.
 *
 * One plain array per domain (no per-path objects) keeps a cookie's overhead to an array slot, and
 * every stored cookie shares its domain's and path's string with the cookies already stored there.
 */
export class MemoryCookieStore {
    /** Cookie domain → its cookies, longest path first, then earliest creation. Never empty. */
    domains = new Map();
    /** Cookie domain → path → its cookies in creation order, only for domains with many cookies. */
    pathIndexes = new Map();
    /** host → the cookies it may receive; an entry is stale once `version` moves on. */
    hostCandidates = new Map();
    /** Bumped by every change of the stored set, so memoized lookups never serve stale cookies. */
    version = 0;
    secureNames = new Map();
    count = 0;
    get size() {
        return this.count;
    }
    find(domain, path, name) {
        const index = this.pathIndexes.get(domain);
        const list = index === undefined ? this.domains.get(domain) : index.get(path);
        if (list === undefined)
            return undefined;
        for (let i = 0; i < list.length; i++) {
            const c = list[i];
            if (c.name === name && c.path === path)
                return c;
        }
        return undefined;
    }
    put(cookie) {
        this.version++;
        if (cookie.secure)
            this.secureNames.set(cookie.name, (this.secureNames.get(cookie.name) ?? 0) + 1);
        let list = this.domains.get(cookie.domain);
        if (list === undefined) {
            list = [cookie];
            this.domains.set(cookie.domain, list);
            this.count++;
            return undefined;
        }
        cookie.domain = list[0].domain;
        const index = this.pathIndexes.get(cookie.domain);
        const samePath = index === undefined ? list : index.get(cookie.path);
        let old;
        if (samePath !== undefined) {
            for (let i = 0; i < samePath.length; i++) {
                const c = samePath[i];
                if (c.path === cookie.path) {
                    cookie.path = c.path;
                    if (c.name === cookie.name) {
                        old = c;
                        break;
                    }
                }
            }
        }
        if (old !== undefined)
            list.splice(list.indexOf(old), 1);
        insertSorted(list, cookie, byPathThenCreation);
        if (old !== undefined) {
            if (old.secure)
                this.releaseSecureName(old.name);
            if (index !== undefined)
                replaceInIndex(index, old, cookie);
            return old;
        }
        this.count++;
        if (index !== undefined)
            addToIndex(index, cookie);
        else if (list.length > PATH_INDEX_THRESHOLD)
            this.pathIndexes.set(cookie.domain, buildIndex(list));
        return undefined;
    }
    remove(cookie) {
        const list = this.domains.get(cookie.domain);
        if (list === undefined)
            return false;
        let i = 0;
        while (i < list.length && !(list[i].name === cookie.name && list[i].path === cookie.path))
            i++;
        if (i === list.length)
            return false;
        this.version++;
        const old = list[i];
        if (old.secure)
            this.releaseSecureName(old.name);
        list.splice(i, 1);
        this.count--;
        if (list.length === 0)
            this.domains.delete(old.domain);
        const index = this.pathIndexes.get(old.domain);
        if (index !== undefined) {
            if (list.length < PATH_INDEX_DROP)
                this.pathIndexes.delete(old.domain);
            else
                removeFromIndex(index, old);
        }
        return true;
    }
    match(host, path, out) {
        let entry = this.hostCandidates.get(host);
        if (entry === undefined || entry.version !== this.version) {
            entry = this.candidatesFor(host);
            if (this.hostCandidates.size >= HOST_CACHE_LIMIT)
                this.hostCandidates.clear();
            this.hostCandidates.set(host, entry);
        }
        const cookies = entry.cookies;
        if (cookies === undefined)
            return this.matchByIndex(host, path, out);
        let n = 0;
        for (let i = 0; i < cookies.length; i++) {
            const c = cookies[i];
            if (pathMatches(path, c.path))
                out[n++] = c;
        }
        return n;
    }
    /**
     * Every cookie `host` may receive whatever the path, in header order, for a host with few of
     * them: later lookups then scan one short array. Hosts with many get `undefined` and are served
     * by the domain/path index instead.
     */
    candidatesFor(host) {
        const lists = this.listsFor(host);
        let total = 0;
        for (const l of lists)
            total += l.length;
        if (total > HOST_CANDIDATE_LIMIT)
            return { version: this.version, cookies: undefined };
        const cookies = [];
        for (const list of lists) {
            const exact = list[0].domain === host;
            for (const c of list)
                if (exact || !c.hostOnly)
                    cookies.push(c);
        }
        if (lists.length > 1)
            cookies.sort(byPathThenCreation);
        return { version: this.version, cookies };
    }
    matchByIndex(host, path, out) {
        const lists = this.listsFor(host);
        let n = 0;
        let contributing = 0;
        let candidates;
        for (let b = 0; b < lists.length; b++) {
            const list = lists[b];
            const domain = list[0].domain;
            const exact = domain === host;
            const before = n;
            const index = this.pathIndexes.get(domain);
            if (index === undefined) {
                n = pushMatching(list, exact, path, out, n);
            }
            else {
                for (const candidate of (candidates ??= candidatePaths(path))) {
                    const entry = index.get(candidate);
                    if (entry !== undefined)
                        n = pushMatching(entry, exact, path, out, n);
                }
            }
            if (n !== before)
                contributing++;
        }
        // Each domain yields its cookies already in header order; only a mix of domains needs sorting.
        if (contributing > 1)
            sortPrefix(out, n);
        return n;
    }
    domainCookies(domain) {
        const list = this.domains.get(domain);
        return list === undefined ? [] : list.slice();
    }
    domainCount(domain) {
        return this.domains.get(domain)?.length ?? 0;
    }
    *all() {
        for (const list of this.domains.values())
            yield* list;
    }
    removeAll() {
        this.domains.clear();
        this.pathIndexes.clear();
        this.hostCandidates.clear();
        this.version++;
        this.secureNames.clear();
        this.count = 0;
    }
    hasSecureNamed(name) {
        return this.secureNames.has(name);
    }
    touch(cookies, count, now) {
        for (let i = 0; i < count; i++)
            cookies[i].lastAccess = now;
    }
    releaseSecureName(name) {
        const n = (this.secureNames.get(name) ?? 1) - 1;
        if (n <= 0)
            this.secureNames.delete(name);
        else
            this.secureNames.set(name, n);
    }
    /** The cookie lists whose cookies `host` may receive: its own domain's, then each parent's. */
    listsFor(host) {
        const lists = [];
        const own = this.domains.get(host);
        if (own !== undefined)
            lists.push(own);
        // A host longer than DNS allows cannot resolve; skipping its parents keeps lookups linear.
        if (host.length <= MAX_DNS_NAME && !isIpAddress(host)) {
            for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
                const parent = this.domains.get(host.slice(i + 1));
                if (parent !== undefined)
                    lists.push(parent);
            }
        }
        return lists;
    }
}
/**
 * Path-match with the cheap rejections first (String#startsWith costs ~20 ns in V8, a character
 * compare ~3 ns): `/` matches everything; otherwise the lengths, the `/` boundary and the last
 * character of the cookie path must agree before the prefix is compared.
 */
function pathMatches(path, p) {
    const len = p.length;
    if (len === 1)
        return true;
    if (len > path.length)
        return false;
    const lastChar = p.charCodeAt(len - 1);
    if (path.charCodeAt(len - 1) !== lastChar)
        return false;
    if (len !== path.length && lastChar !== 0x2f && path.charCodeAt(len) !== 0x2f)
        return false;
    return path.startsWith(p);
}
function pushMatching(list, exactHost, path, out, n) {
    for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if ((exactHost || !c.hostOnly) && pathMatches(path, c.path))
            out[n++] = c;
    }
    return n;
}
/** Sorts out[0, n) into header order: insertion sort for the usual handful, Array#sort beyond. */
function sortPrefix(out, n) {
    if (n > 16) {
        const sorted = out.slice(0, n).sort(byPathThenCreation);
        for (let i = 0; i < n; i++)
            out[i] = sorted[i];
        return;
    }
    for (let i = 1; i < n; i++) {
        const c = out[i];
        let j = i - 1;
        while (j >= 0 && byPathThenCreation(out[j], c) > 0) {
            out[j + 1] = out[j];
            j--;
        }
        out[j + 1] = c;
    }
}
/** Inserts after every element that does not sort after `cookie` (stable for equal keys). */
function insertSorted(list, cookie, order) {
    let i = list.length;
    while (i > 0 && order(list[i - 1], cookie) > 0)
        i--;
    if (i === list.length)
        list.push(cookie);
    else
        list.splice(i, 0, cookie);
}
function buildIndex(list) {
    const index = new Map();
    for (const c of list)
        addToIndex(index, c);
    return index;
}
function addToIndex(index, cookie) {
    const entry = index.get(cookie.path);
    if (entry === undefined)
        index.set(cookie.path, [cookie]);
    else
        insertSorted(entry, cookie, byCreation);
}
function replaceInIndex(index, old, cookie) {
    removeFromIndex(index, old);
    addToIndex(index, cookie);
}
function removeFromIndex(index, old) {
    const entry = index.get(old.path);
    if (entry === undefined)
        return;
    const i = entry.indexOf(old);
    if (i !== -1)
        entry.splice(i, 1);
    if (entry.length === 0)
        index.delete(old.path);
}
