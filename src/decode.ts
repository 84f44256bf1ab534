import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';

type Decoder = 'gzip' | 'deflate' | 'br' | 'zstd';

const zstd = zlib as unknown as {
  zstdDecompress?: (buf: Buffer, opts: zlib.ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void;
  createZstdDecompress?: () => Transform;
};

/** The codings this Node can decode, for `Accept-Encoding`. zstd needs Node >= 22.15. */
export const ACCEPT_ENCODING = ['gzip', 'deflate', 'br', ...(zstd.zstdDecompress ? ['zstd'] : [])].join(', ');

/** Thrown (with code ERR_BUFFER_TOO_LARGE) when decoding would pass the size limit. */
export class DecodedTooLarge extends Error {
  readonly code = 'ERR_BUFFER_TOO_LARGE';
}

/** The decoders to apply, last coding first; undefined when a coding is unknown (the body is then kept as is). */
export function decodersFor(contentEncoding: string | undefined): Decoder[] | undefined {
  if (!contentEncoding) return [];
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  const out: Decoder[] = [];
  for (const c of codings.reverse()) {
    if (c === 'gzip' || c === 'x-gzip') out.push('gzip');
    else if (c === 'deflate' || c === 'br') out.push(c);
    else if (c === 'zstd' && zstd.zstdDecompress) out.push('zstd');
    else return undefined;
  }
  return out;
}

// Servers truncate or pad compressed bodies now and then; browsers accept what decodes (as undici's fetch does).
const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

function isZlibWrapped(buf: Buffer): boolean {
  // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the header byte tells.
  return buf.length > 0 && (buf[0]! & 0x0f) === 0x08;
}

function decodeOnce(buf: Buffer, coding: Decoder, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (err) reject((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? new DecodedTooLarge() : err);
      else resolve(out);
    };
    const opts = { maxOutputLength: limit };
    if (coding === 'gzip') zlib.gunzip(buf, { ...lenient, ...opts }, done);
    else if (coding === 'deflate') (isZlibWrapped(buf) ? zlib.inflate : zlib.inflateRaw)(buf, { ...lenient, ...opts }, done);
    else if (coding === 'br') zlib.brotliDecompress(buf, opts, done);
    else zstd.zstdDecompress!(buf, opts, done);
  });
}

/** Decodes a whole body, failing with {@link DecodedTooLarge} past `limit` bytes (decompression bombs). */
export async function decodeBuffer(buf: Buffer, decoders: readonly Decoder[], limit: number): Promise<Buffer> {
  let out = buf;
  for (const d of decoders) out = await decodeOnce(out, d, limit);
  return out;
}

function decoderStream(coding: Decoder): Transform {
  if (coding === 'gzip') return zlib.createGunzip(lenient);
  if (coding === 'deflate') return zlib.createUnzip(lenient);
  if (coding === 'br') return zlib.createBrotliDecompress();
  return zstd.createZstdDecompress!();
}

/** A byte counter that fails the stream with {@link DecodedTooLarge} once `limit` is passed. */
function limiter(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > limit) cb(new DecodedTooLarge());
      else cb(null, chunk);
    },
  });
}

/** Decodes a streamed body with the same size limit. */
export function decodeStream(source: Readable, decoders: readonly Decoder[], limit: number): Readable {
  const stages = [source, ...decoders.map(decoderStream), limiter(limit)];
  return (pipeline as unknown as (...s: unknown[]) => Readable)(...stages, () => {});
}
