import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { RequestError } from './errors.js';
const CRLF = '\r\n';
function quote(s) {
    // RFC 7578 §4.2 and the WHATWG form encoder: escape quotes and line breaks in names and filenames.
    return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function header(name, filename, contentType) {
    let h = `Content-Disposition: form-data; name="${quote(name)}"`;
    if (filename !== undefined)
        h += `; filename="${quote(filename)}"`;
    h += CRLF;
    if (contentType !== undefined)
        h += `Content-Type: ${contentType.replace(/[\r\n]/g, '')}${CRLF}`;
    return h + CRLF;
}
function toPart(name, value) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        const bytes = Buffer.from(String(value));
        return { head: header(name), size: bytes.length, open: () => bytes, replayable: true };
    }
    if (value instanceof Uint8Array) {
        return { head: header(name, 'blob', 'application/octet-stream'), size: value.byteLength, open: () => value, replayable: true };
    }
    if (typeof Blob !== 'undefined' && value instanceof Blob) {
        const filename = value.name ?? 'blob';
        return {
            head: header(name, filename, value.type || 'application/octet-stream'),
            size: value.size,
            open: () => Readable.fromWeb(value.stream()),
            replayable: true,
        };
    }
    if ('path' in value) {
        const size = fileSize(value.path, name);
        const path = value.path;
        return {
            head: header(name, value.filename ?? basename(path), value.contentType ?? 'application/octet-stream'),
            size,
            open: () => createReadStream(path),
            replayable: true,
        };
    }
    if ('stream' in value) {
        const { stream, filename, contentType, size } = value;
        const readable = stream instanceof Readable ? stream : Readable.fromWeb(stream);
        return {
            head: header(name, filename ?? 'blob', contentType ?? 'application/octet-stream'),
            size,
            open: () => readable,
            replayable: false,
        };
    }
    const bytes = typeof value.value === 'string' ? Buffer.from(value.value) : value.value;
    return {
        head: header(name, value.filename, value.contentType ?? (value.filename !== undefined ? 'application/octet-stream' : undefined)),
        size: bytes.byteLength,
        open: () => bytes,
        replayable: true,
    };
}
function fileSize(path, field) {
    try {
        const st = statSync(path);
        if (!st.isFile())
            throw new Error('not a regular file');
        return st.size;
    }
    catch (err) {
        throw new RequestError(`Cannot upload ${JSON.stringify(path)} as multipart field ${JSON.stringify(field)}: ${err.code ?? err.message}`, { cause: err });
    }
}
function collectParts(init) {
    const parts = [];
    if (typeof FormData !== 'undefined' && init instanceof FormData) {
        for (const [name, value] of init.entries())
            parts.push(toPart(name, value));
        return parts;
    }
    for (const [name, value] of Object.entries(init)) {
        if (value === null || value === undefined)
            continue;
        for (const one of Array.isArray(value) ? value : [value]) {
            if (one !== null && one !== undefined)
                parts.push(toPart(name, one));
        }
    }
    return parts;
}
/**
 * Encodes multipart/form-data (RFC 7578). Files are streamed part by part, never read whole; the
 * boundary comes from the crypto RNG so that content cannot forge it. Content-Length is known when
 * every part has a known size.
 */
export function encodeMultipart(init) {
    const parts = collectParts(init);
    const boundary = `----sessio${randomBytes(16).toString('hex')}`;
    const opening = (i) => `${i === 0 ? '' : CRLF}--${boundary}${CRLF}`;
    const closing = `${parts.length ? CRLF : ''}--${boundary}--${CRLF}`;
    let length = Buffer.byteLength(closing);
    parts.forEach((p, i) => {
        if (length === undefined || p.size === undefined)
            length = undefined;
        else
            length += Buffer.byteLength(opening(i) + p.head) + p.size;
    });
    async function* generate() {
        for (const [i, part] of parts.entries()) {
            yield Buffer.from(opening(i) + part.head);
            const content = part.open();
            if (content instanceof Uint8Array)
                yield content;
            else
                for await (const chunk of content)
                    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        }
        yield Buffer.from(closing);
    }
    return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        contentLength: length,
        replayable: parts.every((p) => p.replayable),
        stream: () => Readable.from(generate(), { objectMode: false }),
    };
}
