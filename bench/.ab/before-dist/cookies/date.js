// The cookie-date algorithm of RFC 6265bis section 5.1.1. Hand-written scanner instead of regexes so
// that hostile Expires values cost linear time.
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E */
function isDelimiter(c) {
    return (c === 0x09 ||
        (c >= 0x20 && c <= 0x2f) ||
        (c >= 0x3b && c <= 0x40) ||
        (c >= 0x5b && c <= 0x60) ||
        (c >= 0x7b && c <= 0x7e));
}
function isDigit(c) {
    return c >= 0x30 && c <= 0x39;
}
/** Reads minDigits..maxDigits digits at `start`; the token must end or continue with a non-digit. */
function readDigits(token, start, minDigits, maxDigits) {
    let i = start;
    let value = 0;
    while (i < token.length && isDigit(token.charCodeAt(i))) {
        if (i - start === maxDigits)
            return undefined;
        value = value * 10 + (token.charCodeAt(i) - 0x30);
        i++;
    }
    if (i - start < minDigits)
        return undefined;
    return { value, end: i };
}
/** time = hms-time ( non-digit *OCTET ), hms-time = time-field ":" time-field ":" time-field */
function parseTime(token) {
    const h = readDigits(token, 0, 1, 2);
    if (!h || token.charCodeAt(h.end) !== 0x3a)
        return undefined;
    const m = readDigits(token, h.end + 1, 1, 2);
    if (!m || token.charCodeAt(m.end) !== 0x3a)
        return undefined;
    const s = readDigits(token, m.end + 1, 1, 2);
    if (!s)
        return undefined;
    return [h.value, m.value, s.value];
}
/**
 * Parses a cookie-date; returns milliseconds since the epoch, or undefined when the string is not a
 * cookie-date (the Expires attribute is then ignored).
 */
export function parseCookieDate(input) {
    let time;
    let day;
    let month;
    let year;
    const n = input.length;
    let i = 0;
    while (i < n) {
        while (i < n && isDelimiter(input.charCodeAt(i)))
            i++;
        const start = i;
        while (i < n && !isDelimiter(input.charCodeAt(i)))
            i++;
        if (start === i)
            continue;
        const token = input.slice(start, i);
        if (time === undefined) {
            const t = parseTime(token);
            if (t) {
                time = t;
                continue;
            }
        }
        if (day === undefined) {
            const d = readDigits(token, 0, 1, 2);
            if (d) {
                day = d.value;
                continue;
            }
        }
        if (month === undefined && token.length >= 3) {
            const idx = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
            if (idx !== -1) {
                month = idx;
                continue;
            }
        }
        if (year === undefined) {
            const y = readDigits(token, 0, 2, 4);
            if (y) {
                year = y.value;
                continue;
            }
        }
    }
    if (time === undefined || day === undefined || month === undefined || year === undefined)
        return undefined;
    if (year >= 70 && year <= 99)
        year += 1900;
    else if (year >= 0 && year <= 69)
        year += 2000;
    if (day < 1 || day > 31 || year < 1601 || time[0] > 23 || time[1] > 59 || time[2] > 59)
        return undefined;
    const ms = Date.UTC(year, month, day, time[0], time[1], time[2]);
    // Date.UTC rolls 31 Feb over into March; the algorithm requires the date to exist.
    if (new Date(ms).getUTCDate() !== day)
        return undefined;
    return ms;
}
