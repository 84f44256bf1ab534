import type { EncodedBody } from '../body.js';
import type { MultipartInit } from '../multipart.js';

/**
 * What a hop's request body was, kept on `response.request` for `toCurl()`, HAR and wire logs.
 * In-memory bodies are referenced, never copied; streams are only described.
 */
export interface BodySnapshot {
  /** `fixed`: `data` holds the bytes; `stream`: read once, not kept; `multipart`: form-data parts. */
  readonly kind: 'fixed' | 'stream' | 'multipart';
  /** The body sent, when it was held in memory (the same object the request used). */
  readonly data: string | Uint8Array | undefined;
  /** Byte length when known. */
  readonly size: number | undefined;
  /** The multipart fields as given, for `curl -F` hints. */
  readonly multipart: MultipartInit | undefined;
}

/** Describes a body without reading or copying it. */
export function snapshotBody(body: EncodedBody | undefined): BodySnapshot | undefined {
  if (!body) return undefined;
  const multipart = body.multipart;
  const data = typeof body.data === 'string' || body.data instanceof Uint8Array ? body.data : undefined;
  if (data !== undefined) return { kind: 'fixed', data, size: body.contentLength, multipart: undefined };
  return { kind: multipart ? 'multipart' : 'stream', data: undefined, size: body.contentLength, multipart };
}

/** An excerpt of at most `limit` characters of a body, and whether it is text at all. */
export interface Excerpt {
  text: string;
  truncated: boolean;
  binary: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Text of the bytes if they are UTF-8 without NUL; a cut multi-byte character at the end is tolerated. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  for (let cut = 0; cut < 4 && cut <= bytes.length; cut++) {
    try {
      return decoder.decode(cut ? bytes.subarray(0, bytes.length - cut) : bytes);
    } catch {
      // maybe a character split at the end: try shorter
    }
  }
  return undefined;
}

/** The first `limit` characters of a body (decoding only that much of a byte body). */
export function excerpt(data: string | Uint8Array, limit: number): Excerpt {
  if (typeof data === 'string') return { text: data.slice(0, limit), truncated: data.length > limit, binary: false };
  const head = data.length > limit * 4 ? data.subarray(0, limit * 4) : data;
  const text = utf8Text(head);
  if (text === undefined) return { text: '', truncated: false, binary: true };
  return { text: text.slice(0, limit), truncated: text.length > limit || head.length < data.length, binary: false };
}
