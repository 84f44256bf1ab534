import { utf8Text } from './log/body.js';
import { isSecretField, REDACTED, redactHeaders, redactText, redactUrl } from './redact.js';
import { VERSION } from './version.js';
export const DEFAULT_HAR_ENTRIES = 1000;
export const DEFAULT_HAR_BODY = 64 * 1024;
function keep(data, max) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    // A copy of at most `max` bytes, so that a recorded entry never pins a large body in memory.
    const slice = Buffer.from(bytes.subarray(0, max));
    return { bytes: slice, size: bytes.byteLength, truncated: bytes.byteLength > max };
}
/**
 * Records each hop of a session for HAR export. Bounded: at most `maxEntries` entries of at most
 * `maxBodySize` body bytes each; the oldest entries go first.
 */
export class HarRecorder {
    recording = false;
    #entries = [];
    #dropped = 0;
    #maxEntries = DEFAULT_HAR_ENTRIES;
    #maxBody = DEFAULT_HAR_BODY;
    /** Starts (or goes on) recording, with new limits if given. */
    start(options = {}) {
        if (options.maxEntries !== undefined)
            this.#maxEntries = Math.max(1, Math.floor(options.maxEntries));
        if (options.maxBodySize !== undefined)
            this.#maxBody = Math.max(0, Math.floor(options.maxBodySize));
        this.recording = true;
        this.#trim();
    }
    stop() {
        this.recording = false;
    }
    /** Records a hop that got a response; reads the body only when it was already read (never a stream). */
    async addResponse(res, started) {
        let responseBody;
        let responseNote;
        if (res.body !== undefined)
            responseNote = 'streamed body, not recorded';
        else
            responseBody = keep(await res.bytes(), this.#maxBody);
        this.#push({
            ...this.#requestPart(res.request, started, res.elapsed),
            status: res.status,
            statusText: res.statusText,
            responseHeaders: res.headers.toJSON(),
            responseBody,
            responseNote,
            error: undefined,
        });
    }
    /** Records a hop that failed without a response (status 0, as browsers show it). */
    addError(request, err, started, time) {
        const e = err instanceof Error ? err : new Error(String(err));
        const code = e.code;
        this.#push({
            ...this.#requestPart(request, started, time),
            status: 0,
            statusText: '',
            responseHeaders: {},
            responseBody: undefined,
            responseNote: undefined,
            error: `${e.name}${code ? ` ${code}` : ''}: ${e.message}`,
        });
    }
    /** The recording as a HAR 1.2 document. */
    toHar(options = {}) {
        const redact = options.redact ?? true;
        const entries = this.#entries.map((r) => toEntry(r, redact));
        const dropped = this.#dropped;
        if (options.clear) {
            this.#entries = [];
            this.#dropped = 0;
        }
        return {
            log: {
                version: '1.2',
                creator: { name: 'sessio', version: VERSION },
                entries,
                ...(dropped > 0 && { comment: `${dropped} older entries were dropped (maxEntries ${this.#maxEntries})` }),
            },
        };
    }
    #requestPart(request, started, time) {
        const body = request.body;
        let requestBody;
        let requestBodyNote;
        if (body?.data !== undefined)
            requestBody = keep(body.data, this.#maxBody);
        else if (body)
            requestBodyNote = `${body.kind} body${body.size === undefined ? '' : ` of ${body.size} bytes`}, not recorded`;
        const sent = {
            method: request.method,
            url: request.url,
            headers: request.headers,
            redactedHeaders: request.redactedHeaders(),
            bodySize: body?.size,
            hasBody: body !== undefined,
        };
        return { started, time, request: sent, requestBody, requestBodyNote };
    }
    #push(entry) {
        this.#entries.push(entry);
        this.#trim();
    }
    #trim() {
        const excess = this.#entries.length - this.#maxEntries;
        if (excess > 0) {
            this.#entries.splice(0, excess);
            this.#dropped += excess;
        }
    }
}
function pairs(headers) {
    const out = [];
    for (const [name, value] of Object.entries(headers)) {
        for (const v of Array.isArray(value) ? value : [value])
            out.push({ name, value: v });
    }
    return out;
}
function requestCookies(headers, redact) {
    const raw = headers.cookie;
    if (raw === undefined)
        return [];
    const out = [];
    for (const pair of (Array.isArray(raw) ? raw.join('; ') : raw).split(';')) {
        const eq = pair.indexOf('=');
        if (eq < 0)
            continue;
        out.push({ name: pair.slice(0, eq).trim(), value: redact ? REDACTED : pair.slice(eq + 1).trim() });
    }
    return out;
}
/** The attributes HAR keeps from a Set-Cookie line. */
function responseCookie(line, redact) {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0)
        return undefined;
    const cookie = { name: pair.slice(0, eq).trim(), value: redact ? REDACTED : pair.slice(eq + 1).trim() };
    for (const attr of attrs) {
        const i = attr.indexOf('=');
        const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const value = i < 0 ? '' : attr.slice(i + 1).trim();
        if (key === 'path')
            cookie.path = value;
        else if (key === 'domain')
            cookie.domain = value;
        else if (key === 'httponly')
            cookie.httpOnly = true;
        else if (key === 'secure')
            cookie.secure = true;
        else if (key === 'expires') {
            const date = new Date(value);
            if (!Number.isNaN(date.getTime()))
                cookie.expires = date.toISOString();
        }
    }
    return cookie;
}
function queryString(url, redact) {
    return [...url.searchParams].map(([name, value]) => ({ name, value: redact && isSecretField(name) ? REDACTED : value }));
}
function headerValue(headers, name) {
    const v = headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
}
function postData(r, redact) {
    const mimeType = headerValue(r.request.headers, 'content-type') ?? '';
    if (r.requestBodyNote)
        return { mimeType, text: '', comment: r.requestBodyNote };
    if (!r.requestBody)
        return undefined;
    const text = utf8Text(r.requestBody.bytes);
    const note = r.requestBody.truncated ? { comment: `truncated to ${r.requestBody.bytes.byteLength} of ${r.requestBody.size} bytes` } : {};
    if (text === undefined)
        return { mimeType, text: '', comment: `binary body of ${r.requestBody.size} bytes, not shown` };
    const data = { mimeType, text: redact ? redactText(text) : text, ...note };
    if (/^application\/x-www-form-urlencoded/i.test(mimeType)) {
        data.params = [...new URLSearchParams(text)].map(([name, value]) => ({ name, value: redact && isSecretField(name) ? REDACTED : value }));
    }
    return data;
}
function content(r, redact) {
    const mimeType = headerValue(r.responseHeaders, 'content-type') ?? 'x-unknown';
    if (r.error)
        return { size: 0, mimeType, comment: redactText(r.error) };
    if (!r.responseBody)
        return { size: 0, mimeType, ...(r.responseNote && { comment: r.responseNote }) };
    const { bytes, size, truncated } = r.responseBody;
    const note = truncated ? { comment: `truncated to ${bytes.byteLength} of ${size} bytes` } : {};
    if (size === 0)
        return { size, mimeType };
    const text = utf8Text(bytes);
    if (text === undefined)
        return { size, mimeType, text: Buffer.from(bytes).toString('base64'), encoding: 'base64', ...note };
    return { size, mimeType, text: redact ? redactText(text) : text, ...note };
}
function toEntry(r, redact) {
    const sent = r.request;
    const url = new URL(sent.url);
    const requestHeaders = redact ? sent.redactedHeaders : sent.headers;
    const responseHeaders = redact ? redactHeaders(r.responseHeaders) : r.responseHeaders;
    const location = headerValue(r.responseHeaders, 'location');
    let redirectURL = '';
    if (location) {
        try {
            redirectURL = new URL(location, url).href;
        }
        catch {
            redirectURL = location;
        }
    }
    const post = postData(r, redact);
    const time = Math.max(0, r.time);
    return {
        startedDateTime: new Date(r.started).toISOString(),
        time,
        request: {
            method: sent.method,
            url: redact ? redactUrl(url) : url.href,
            httpVersion: 'HTTP/1.1',
            cookies: requestCookies(sent.headers, redact),
            headers: pairs(requestHeaders),
            queryString: queryString(url, redact),
            ...(post && { postData: post }),
            headersSize: -1,
            bodySize: r.requestBody?.size ?? sent.bodySize ?? (sent.hasBody ? -1 : 0),
        },
        response: {
            status: r.status,
            statusText: r.statusText,
            httpVersion: r.error ? '' : 'HTTP/1.1',
            cookies: [...(r.responseHeaders['set-cookie'] === undefined ? [] : [r.responseHeaders['set-cookie']].flat())]
                .map((line) => responseCookie(line, redact)).filter((c) => c !== undefined),
            headers: pairs(responseHeaders),
            content: content(r, redact),
            redirectURL: redact && redirectURL ? redactUrl(redirectURL) : redirectURL,
            headersSize: -1,
            bodySize: -1,
            ...(r.error && { comment: redactText(r.error) }),
        },
        cache: {},
        _resourceType: 'fetch',
        // undici does not report phases; the whole exchange counts as waiting.
        timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: time, receive: 0, ssl: -1 },
    };
}
