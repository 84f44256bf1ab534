/** A cookie as stored in a {@link CookieJar}. Objects returned by the jar are copies. */
export class Cookie {
    name;
    value;
    domain;
    path;
    expires;
    secure;
    httpOnly;
    sameSite;
    hostOnly;
    partitioned;
    creation;
    lastAccess;
    creationIndex;
    constructor(init) {
        this.name = init.name;
        this.value = init.value;
        this.domain = init.domain;
        this.path = init.path;
        this.expires = init.expires;
        this.secure = init.secure ?? false;
        this.httpOnly = init.httpOnly ?? false;
        this.sameSite = init.sameSite ?? 'default';
        this.hostOnly = init.hostOnly ?? true;
        this.partitioned = init.partitioned ?? false;
        this.creation = init.creation;
        this.lastAccess = init.lastAccess ?? init.creation;
        this.creationIndex = init.creationIndex ?? 0;
    }
    /** True unless it is a session cookie. */
    get persistent() {
        return this.expires !== undefined;
    }
    /** True when the cookie has expired at `now`. */
    isExpired(now) {
        return this.expires !== undefined && this.expires <= now;
    }
    /** The `name=value` pair for a Cookie header (just the value for a nameless cookie). */
    cookiePair() {
        return this.name === '' ? this.value : `${this.name}=${this.value}`;
    }
    /** A Set-Cookie string that recreates this cookie. */
    toSetCookieString() {
        let s = this.cookiePair();
        if (this.expires !== undefined)
            s += `; Expires=${new Date(Math.max(this.expires, 0)).toUTCString()}`;
        if (!this.hostOnly)
            s += `; Domain=${this.domain}`;
        s += `; Path=${this.path}`;
        if (this.secure)
            s += '; Secure';
        if (this.httpOnly)
            s += '; HttpOnly';
        if (this.sameSite !== 'default')
            s += `; SameSite=${this.sameSite[0].toUpperCase()}${this.sameSite.slice(1)}`;
        if (this.partitioned)
            s += '; Partitioned';
        return s;
    }
    clone() {
        return new Cookie(this);
    }
}
/** Cookie-header order: longest path first, then earliest creation. */
export function compareCookies(a, b) {
    return b.path.length - a.path.length || a.creation - b.creation || a.creationIndex - b.creationIndex;
}
