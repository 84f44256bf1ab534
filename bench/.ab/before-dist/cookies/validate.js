const SAME_SITE = new Set(['strict', 'lax', 'none', 'default']);
function hasControl(s) {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if ((c < 0x20 && c !== 0x09) || c === 0x7f)
            return true;
    }
    return false;
}
/** True for a SameSite value this jar stores. */
export function isSameSite(v) {
    return typeof v === 'string' && SAME_SITE.has(v);
}
/**
 * Checks a cookie coming from a file or another library before it enters the jar; returns why it is
 * unusable, or undefined. Imported data gets the same invariants as parsed Set-Cookie headers.
 */
export function validateCookieInit(c) {
    if (typeof c.name !== 'string' || typeof c.value !== 'string')
        return 'name or value not a string';
    if (c.name === '' && c.value === '')
        return 'empty name and value';
    if (hasControl(c.name) || hasControl(c.value) || c.name.includes(';') || c.value.includes(';'))
        return 'invalid character';
    if (c.name.includes('='))
        return 'name contains =';
    if (typeof c.domain !== 'string' || c.domain === '' || hasControl(c.domain) || /[\s;,/]/.test(c.domain) || c.domain !== c.domain.toLowerCase()) {
        return 'invalid domain';
    }
    if (typeof c.path !== 'string' || c.path.charCodeAt(0) !== 0x2f || hasControl(c.path) || c.path.includes(';'))
        return 'invalid path';
    if (c.expires !== undefined && !Number.isFinite(c.expires))
        return 'invalid expiry';
    if (!Number.isFinite(c.creation) || (c.lastAccess !== undefined && !Number.isFinite(c.lastAccess)))
        return 'invalid times';
    if (c.sameSite !== undefined && !isSameSite(c.sameSite))
        return 'invalid SameSite';
    return undefined;
}
