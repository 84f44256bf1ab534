import { Readable } from 'node:stream';
import { RequestError } from './errors.js';
import { encodeMultipart } from './multipart.js';
function fixed(data, contentType) {
    const body = {
        data,
        contentType,
        contentLength: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
        replay: () => body,
    };
    return body;
}
/** Serialises a form as application/x-www-form-urlencoded; arrays repeat the key like requests. */
export function encodeForm(form) {
    if (form instanceof URLSearchParams)
        return form.toString();
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) {
        if (v === null || v === undefined)
            continue;
        for (const one of Array.isArray(v) ? v : [v])
            search.append(k, String(one));
    }
    return search.toString();
}
function encodeRaw(body) {
    if (typeof body === 'string' || body instanceof Uint8Array)
        return fixed(body, undefined);
    if (body instanceof ArrayBuffer)
        return fixed(new Uint8Array(body), undefined);
    if (typeof Blob !== 'undefined' && body instanceof Blob) {
        const make = () => ({
            data: Readable.fromWeb(body.stream()),
            contentType: body.type || undefined,
            contentLength: body.size,
            replay: make,
        });
        return make();
    }
    if (body instanceof Readable)
        return { data: body, contentType: undefined, contentLength: undefined, replay: undefined };
    if (typeof body.getReader === 'function') {
        const data = Readable.fromWeb(body);
        return { data, contentType: undefined, contentLength: undefined, replay: undefined };
    }
    throw new RequestError(`Unsupported body type ${Object.prototype.toString.call(body)}: use a string, Uint8Array, Blob, Readable or ReadableStream`);
}
/**
 * Encodes whichever of `json`, `form`, `multipart` or `body` is given (at most one), or returns
 * undefined for no body.
 */
export function encodeBody(options) {
    const given = ['json', 'form', 'multipart', 'body'].filter((k) => options[k] !== undefined);
    if (given.length > 1)
        throw new RequestError(`Give only one body option, not ${given.join(' and ')}`);
    if (options.json !== undefined) {
        let text;
        try {
            text = JSON.stringify(options.json);
        }
        catch (err) {
            throw new RequestError(`The json body cannot be serialised: ${err.message}`, { cause: err });
        }
        if (text === undefined)
            throw new RequestError('The json body cannot be serialised (a function or undefined)');
        return fixed(text, 'application/json');
    }
    if (options.form !== undefined)
        return fixed(encodeForm(options.form), 'application/x-www-form-urlencoded');
    if (options.multipart !== undefined) {
        const mp = encodeMultipart(options.multipart);
        const make = () => ({
            data: mp.stream(),
            contentType: mp.contentType,
            contentLength: mp.contentLength,
            replay: mp.replayable ? make : undefined,
        });
        return make();
    }
    if (options.body !== undefined)
        return encodeRaw(options.body);
    return undefined;
}
