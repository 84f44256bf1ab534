import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { RequestError } from './errors.js';

/** A file part: by path (streamed from disk), stream, bytes or Blob. */
export type MultipartFile =
  | { path: string; filename?: string; contentType?: string }
  | { stream: Readable | ReadableStream<Uint8Array>; filename?: string; contentType?: string; size?: number }
  | { value: string | Uint8Array; filename?: string; contentType?: string };

export type MultipartValue = string | number | boolean | Uint8Array | Blob | MultipartFile;

/** Fields of a multipart/form-data body; an array repeats the field. A WHATWG FormData works too. */
export type MultipartInit = Record<string, MultipartValue | readonly MultipartValue[] | null | undefined> | FormData;

interface Part {
  head: string;
  /** Known byte size of the content, or undefined when it is an unsized stream. */
  size: number | undefined;
  open(): AsyncIterable<Uint8Array> | Uint8Array;
  /** False when the part can be read only once. */
  replayable: boolean;
  /** The content, when it is in memory. */
  bytes?: Uint8Array;
}

const CRLF = '\r\n';

function quote(s: string): string {
  // RFC 7578 §4.2 and the WHATWG form encoder: escape quotes and line breaks in names and filenames.
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function header(name: string, filename?: string, contentType?: string): string {
  let h = `Content-Disposition: form-data; name="${quote(name)}"`;
  if (filename !== undefined) h += `; filename="${quote(filename)}"`;
  h += CRLF;
  if (contentType !== undefined) h += `Content-Type: ${contentType.replace(/[\r\n]/g, '')}${CRLF}`;
  return h + CRLF;
}

function toPart(name: string, value: MultipartValue): Part {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const bytes = Buffer.from(String(value));
    return { head: header(name), size: bytes.length, open: () => bytes, replayable: true, bytes };
  }
  if (value instanceof Uint8Array) {
    return { head: header(name, 'blob', 'application/octet-stream'), size: value.byteLength, open: () => value, replayable: true, bytes: value };
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    const filename = (value as { name?: string }).name ?? 'blob';
    return {
      head: header(name, filename, value.type || 'application/octet-stream'),
      size: value.size,
      open: () => Readable.fromWeb(value.stream() as import('node:stream/web').ReadableStream<Uint8Array>),
      replayable: true,
    };
  }
  if ('path' in value) {
    const size = fileSize(value.path, name);
    const path = value.path;
    return {
      head: header(name, value.filename ?? basename(path), value.contentType ?? guessType(value.filename ?? path)),
      size,
      open: () => createReadStream(path),
      replayable: true,
    };
  }
  if ('stream' in value) {
    const { stream, filename, contentType, size } = value as Extract<MultipartFile, { stream: unknown }>;
    const readable = stream instanceof Readable ? stream : Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>);
    return {
      head: header(name, filename ?? 'blob', contentType ?? guessType(filename)),
      size,
      open: () => readable,
      replayable: false,
    };
  }
  const bytes = typeof value.value === 'string' ? Buffer.from(value.value) : value.value;
  return {
    head: header(name, value.filename, value.contentType ?? (value.filename !== undefined ? guessType(value.filename) : undefined)),
    size: bytes.byteLength,
    open: () => bytes,
    replayable: true,
    bytes,
  };
}

let lookup: ((name: string) => string | false) | undefined;

/** The type browsers, form-data and HTTPie send for a file name (`.csv` → text/csv); mime-db is loaded on first use. */
function guessType(name: string | undefined): string {
  if (name === undefined) return 'application/octet-stream';
  lookup ??= (createRequire(import.meta.url)('mime-types') as typeof import('mime-types')).lookup;
  return lookup(name) || 'application/octet-stream';
}

function fileSize(path: string, field: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    return st.size;
  } catch (err) {
    throw new RequestError(`Cannot upload ${JSON.stringify(path)} as multipart field ${JSON.stringify(field)}: ${(err as { code?: string }).code ?? (err as Error).message}`, { cause: err });
  }
}

function collectParts(init: MultipartInit): Part[] {
  const parts: Part[] = [];
  if (typeof FormData !== 'undefined' && init instanceof FormData) {
    for (const [name, value] of init.entries()) parts.push(toPart(name, value as string | Blob));
    return parts;
  }
  for (const [name, value] of Object.entries(init)) {
    if (value === null || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== null && one !== undefined) parts.push(toPart(name, one as MultipartValue));
    }
  }
  return parts;
}

/** A multipart body: its streaming source, headers and whether it can be produced again. */
export interface MultipartBody {
  contentType: string;
  contentLength: number | undefined;
  replayable: boolean;
  stream(): Readable;
}

/** RFC 2046 §5.1.1: 1 to 70 of these characters, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Encodes multipart/form-data (RFC 7578). Files are streamed part by part, never read whole; the
 * boundary comes from the crypto RNG so that content cannot forge it, unless the caller gives one
 * (then a part that contains it is refused, before sending or while streaming). Content-Length is
 * known when every part has a known size.
 */
export function encodeMultipart(init: MultipartInit, chosen?: string): MultipartBody {
  const parts = collectParts(init);
  if (chosen !== undefined && !BOUNDARY.test(chosen)) {
    throw new RequestError(`Invalid multipart boundary ${JSON.stringify(chosen)}: use 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046), or leave it to sessio`);
  }
  const boundary = chosen ?? `----sessio${randomBytes(16).toString('hex')}`;
  const guard = chosen === undefined ? undefined : boundaryGuard(boundary);
  const opening = (i: number) => `${i === 0 ? '' : CRLF}--${boundary}${CRLF}`;
  const closing = `${parts.length ? CRLF : ''}--${boundary}--${CRLF}`;
  let length: number | undefined = Buffer.byteLength(closing);
  parts.forEach((p, i) => {
    if (length === undefined || p.size === undefined) length = undefined;
    else length += Buffer.byteLength(opening(i) + p.head) + p.size;
    if (guard && p.bytes) guard(p, p.bytes); // in memory: refused before anything is sent
  });
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const [i, part] of parts.entries()) {
      yield Buffer.from(opening(i) + part.head);
      const content = part.open();
      if (content instanceof Uint8Array) yield content;
      else {
        // Streamed content is checked as it goes, across chunk borders; a forged boundary aborts the upload.
        let carry: Uint8Array | undefined;
        for await (const chunk of content) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          if (guard) carry = guard(part, bytes, carry);
          yield bytes;
        }
      }
    }
    yield Buffer.from(closing);
  }
  return {
    contentType: `multipart/form-data; boundary=${/[^\w'+\-.]/.test(boundary) ? `"${boundary}"` : boundary}`,
    contentLength: length,
    replayable: parts.every((p) => p.replayable),
    stream: () => Readable.from(generate(), { objectMode: false }),
  };
}

/**
 * A check that `--boundary` does not occur in a part's content. Given the `carry` it returned for the
 * part's previous chunk (its last delimiter-length bytes, however small the chunks were), it also finds
 * a match that spans chunks, without copying the chunks themselves.
 */
function boundaryGuard(boundary: string): (part: Part, bytes: Uint8Array, carry?: Uint8Array) => Uint8Array {
  const delimiter = Buffer.from(`--${boundary}`);
  const keep = delimiter.length - 1;
  return (part, bytes, carry) => {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const seam = carry ? Buffer.concat([carry, chunk.subarray(0, keep)]) : chunk.subarray(0, 0);
    if (chunk.includes(delimiter) || seam.includes(delimiter)) {
      throw new RequestError(`The multipart boundary ${JSON.stringify(boundary)} occurs in the content of a part (${part.head.split(CRLF)[0]}): choose another, or leave the boundary to sessio`);
    }
    // A chunk shorter than the delimiter leaves part of the previous carry in the next one.
    const end = chunk.length >= keep ? chunk : Buffer.concat([carry ?? chunk.subarray(0, 0), chunk]);
    return end.subarray(Math.max(0, end.length - keep));
  };
}
