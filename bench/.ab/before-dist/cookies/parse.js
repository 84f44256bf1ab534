import { parseCookieDate } from './date.js';
/** Largest name+value, in octets, that a cookie may have. */
export const MAX_NAME_VALUE_BYTES = 4096;
/** Attribute values longer than this, in octets, are ignored. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
function isWsp(c) {
    return c === 0x20 || c === 0x09;
}
/** Removes leading and trailing SP/HTAB only (String#trim also strips other whitespace). */
function trimWsp(s, start, end) {
    while (start < end && isWsp(s.charCodeAt(start)))
        start++;
    while (end > start && isWsp(s.charCodeAt(end - 1)))
        end--;
    return s.slice(start, end);
}
/**
 * CTL characters other than HTAB make a set-cookie-string invalid as a whole. A single character
 * class cannot backtrack, and V8 scans it natively, several times faster than a charCodeAt loop.
 */
const FORBIDDEN_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
function hasForbiddenControl(s) {
    return FORBIDDEN_CONTROL.test(s);
}
/** UTF-8 length, computed only when the UTF-16 length cannot rule out the limit. */
function exceedsBytes(s, limit) {
    if (s.length * 3 <= limit)
        return false;
    if (s.length > limit)
        return true;
    return Buffer.byteLength(s, 'utf8') > limit;
}
/** Max-Age digits of input[start, end), with an optional leading `-`; undefined when not a number. */
function parseMaxAge(input, start, end) {
    let i = start;
    const negative = input.charCodeAt(i) === 0x2d && i < end;
    if (negative)
        i++;
    if (i >= end)
        return undefined;
    let n = 0;
    for (; i < end; i++) {
        const c = input.charCodeAt(i);
        if (c < 0x30 || c > 0x39)
            return undefined;
        n = n * 10 + (c - 0x30);
    }
    return negative ? -n : n;
}
function parseSameSite(v) {
    const lower = v.length <= 6 ? v.toLowerCase() : '';
    return lower === 'strict' || lower === 'lax' || lower === 'none' ? lower : 'default';
}
/**
 * Parses a set-cookie-string. Returns a rejection (never throws) when the string must be ignored:
 * a control character, no name and no value, or name+value over 4096 octets.
 */
export function parseSetCookie(input) {
    if (hasForbiddenControl(input))
        return { reason: 'control character' };
    const end = input.length;
    let semi = input.indexOf(';');
    if (semi === -1)
        semi = end;
    const eq = input.indexOf('=');
    let name;
    let value;
    if (eq === -1 || eq > semi) {
        name = '';
        value = trimWsp(input, 0, semi);
    }
    else {
        name = trimWsp(input, 0, eq);
        value = trimWsp(input, eq + 1, semi);
    }
    if (name === '' && value === '')
        return { reason: 'empty name and value' };
    if ((name.length + value.length) * 3 > MAX_NAME_VALUE_BYTES &&
        Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8') > MAX_NAME_VALUE_BYTES) {
        return { reason: 'name and value over 4096 bytes' };
    }
    const out = {
        name,
        value,
        expires: undefined,
        maxAge: undefined,
        domain: undefined,
        path: undefined,
        secure: false,
        httpOnly: false,
        sameSite: 'default',
        partitioned: false,
    };
    let pos = semi;
    while (pos < end) {
        const avStart = pos + 1;
        let avEnd = input.indexOf(';', avStart);
        if (avEnd === -1)
            avEnd = end;
        pos = avEnd;
        parseAttribute(input, avStart, avEnd, out);
    }
    return out;
}
/** Case-insensitive compare of input[start, end) with a lower-case ASCII name, without allocating. */
function isName(input, start, end, lowerName) {
    if (end - start !== lowerName.length)
        return false;
    for (let i = 0; i < lowerName.length; i++) {
        let c = input.charCodeAt(start + i);
        if (c >= 0x41 && c <= 0x5a)
            c |= 0x20;
        if (c !== lowerName.charCodeAt(i))
            return false;
    }
    return true;
}
var Attr;
(function (Attr) {
    Attr[Attr["Unknown"] = 0] = "Unknown";
    Attr[Attr["Expires"] = 1] = "Expires";
    Attr[Attr["MaxAge"] = 2] = "MaxAge";
    Attr[Attr["Domain"] = 3] = "Domain";
    Attr[Attr["Path"] = 4] = "Path";
    Attr[Attr["Secure"] = 5] = "Secure";
    Attr[Attr["HttpOnly"] = 6] = "HttpOnly";
    Attr[Attr["SameSite"] = 7] = "SameSite";
    Attr[Attr["Partitioned"] = 8] = "Partitioned";
})(Attr || (Attr = {}));
function attributeKind(input, start, end) {
    switch (end - start) {
        case 4:
            return isName(input, start, end, 'path') ? Attr.Path : Attr.Unknown;
        case 6:
            return isName(input, start, end, 'domain') ? Attr.Domain : isName(input, start, end, 'secure') ? Attr.Secure : Attr.Unknown;
        case 7:
            return isName(input, start, end, 'expires') ? Attr.Expires : isName(input, start, end, 'max-age') ? Attr.MaxAge : Attr.Unknown;
        case 8:
            return isName(input, start, end, 'httponly') ? Attr.HttpOnly : isName(input, start, end, 'samesite') ? Attr.SameSite : Attr.Unknown;
        case 11:
            return isName(input, start, end, 'partitioned') ? Attr.Partitioned : Attr.Unknown;
        default:
            return Attr.Unknown;
    }
}
function parseAttribute(input, start, end, out) {
    let nameStart = start;
    while (nameStart < end && isWsp(input.charCodeAt(nameStart)))
        nameStart++;
    // Bounded by `end`: an unbounded indexOf('=') would rescan the rest of the header for every
    // valueless attribute, quadratic in the number of attributes.
    let eq = nameStart;
    while (eq < end && input.charCodeAt(eq) !== 0x3d)
        eq++;
    let nameEnd = eq;
    while (nameEnd > nameStart && isWsp(input.charCodeAt(nameEnd - 1)))
        nameEnd--;
    const kind = attributeKind(input, nameStart, nameEnd);
    if (kind === Attr.Unknown)
        return;
    let valueStart = eq < end ? eq + 1 : end;
    let valueEnd = end;
    while (valueStart < valueEnd && isWsp(input.charCodeAt(valueStart)))
        valueStart++;
    while (valueEnd > valueStart && isWsp(input.charCodeAt(valueEnd - 1)))
        valueEnd--;
    // 6265bis 5.6 step 5 applies to every attribute: even `Secure=<long>` is ignored.
    if ((valueEnd - valueStart) * 3 > MAX_ATTRIBUTE_VALUE_BYTES &&
        exceedsBytes(input.slice(valueStart, valueEnd), MAX_ATTRIBUTE_VALUE_BYTES)) {
        return;
    }
    switch (kind) {
        case Attr.Expires: {
            const t = parseCookieDate(input.slice(valueStart, valueEnd));
            if (t !== undefined)
                out.expires = t;
            return;
        }
        case Attr.MaxAge: {
            const n = parseMaxAge(input, valueStart, valueEnd);
            if (n !== undefined)
                out.maxAge = n;
            return;
        }
        case Attr.Domain: {
            // `Domain=` (empty) makes the cookie host-only; `Domain=.` names no domain at all, and
            // browsers (WPT domain-child #47) ignore such a cookie rather than make it host-only.
            if (valueEnd - valueStart === 1 && input.charCodeAt(valueStart) === 0x2e) {
                out.domain = '.';
                return;
            }
            if (valueStart < valueEnd && input.charCodeAt(valueStart) === 0x2e)
                valueStart++;
            out.domain = input.slice(valueStart, valueEnd).toLowerCase();
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
            out.sameSite = valueEnd - valueStart <= 6 ? parseSameSite(input.slice(valueStart, valueEnd)) : 'default';
            return;
        case Attr.Partitioned:
            out.partitioned = true;
            return;
    }
}
/** Narrows a parse result to a rejection. */
export function isRejection(r) {
    return 'reason' in r;
}
