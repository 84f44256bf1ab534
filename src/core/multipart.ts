import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
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
    return { head: header(name), size: bytes.length, open: () => bytes, replayable: true };
  }
  if (value instanceof Uint8Array) {
    return { head: header(name, 'blob', 'application/octet-stream'), size: value.byteLength, open: () => value, replayable: true };
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
      head: header(name, value.filename ?? basename(path), value.contentType ?? 'application/octet-stream'),
      size,
      open: () => createReadStream(path),
      replayable: true,
    };
  }
  if ('stream' in value) {
    const { stream, filename, contentType, size } = value as Extract<MultipartFile, { stream: unknown }>;
    const readable = stream instanceof Readable ? stream : Readable.fromWeb(stream as import('node:stream/web').ReadableStream<Uint8Array>);
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

/**
 * Encodes multipart/form-data (RFC 7578). Files are streamed part by part, never read whole; the
 * boundary comes from the crypto RNG so that content cannot forge it. Content-Length is known when
 * every part has a known size.
 */
export function encodeMultipart(init: MultipartInit): MultipartBody {
  const parts = collectParts(init);
  const boundary = `----sessio${randomBytes(16).toString('hex')}`;
  const opening = (i: number) => `${i === 0 ? '' : CRLF}--${boundary}${CRLF}`;
  const closing = `${parts.length ? CRLF : ''}--${boundary}--${CRLF}`;
  let length: number | undefined = Buffer.byteLength(closing);
  parts.forEach((p, i) => {
    if (length === undefined || p.size === undefined) length = undefined;
    else length += Buffer.byteLength(opening(i) + p.head) + p.size;
  });
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const [i, part] of parts.entries()) {
      yield Buffer.from(opening(i) + part.head);
      const content = part.open();
      if (content instanceof Uint8Array) yield content;
      else for await (const chunk of content) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
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
