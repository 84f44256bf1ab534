import { constants as bufferConstants } from 'node:buffer';
import { PassThrough, Transform, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';

export type Decoder = 'gzip' | 'deflate' | 'br' | 'zstd';

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

/** A corrupt compressed body; `coding` says which decoder failed. */
export class DecodeFailure extends Error {
  constructor(readonly coding: Decoder, override readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** A size limit Node's buffers can hold (`Infinity` would make zlib throw a RangeError). */
export function clampLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 0 ? Math.min(limit, bufferConstants.MAX_LENGTH) : bufferConstants.MAX_LENGTH;
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

// Servers truncate or pad compressed bodies now and then; browsers accept what decodes (as undici's
// fetch does), and so do we, for every coding alike.
const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const lenientBr = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

function isZlibWrapped(first: number | undefined): boolean {
  // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the header byte tells.
  return first !== undefined && (first & 0x0f) === 0x08;
}

function decodeOnce(buf: Buffer, coding: Decoder, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (!err) resolve(out);
      else reject((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? new DecodedTooLarge() : new DecodeFailure(coding, err));
    };
    const opts = { maxOutputLength: limit };
    if (coding === 'gzip') zlib.gunzip(buf, { ...lenient, ...opts }, done);
    else if (coding === 'deflate') (isZlibWrapped(buf[0]) ? zlib.inflate : zlib.inflateRaw)(buf, { ...lenient, ...opts }, done);
    else if (coding === 'br') zlib.brotliDecompress(buf, { ...lenientBr, ...opts }, done);
    else zstd.zstdDecompress!(buf, opts, done);
  });
}

/** Decodes a whole body, failing with {@link DecodedTooLarge} past `limit` bytes (decompression bombs). */
export async function decodeBuffer(buf: Buffer, decoders: readonly Decoder[], limit: number): Promise<Buffer> {
  let out = buf;
  for (const d of decoders) {
    if (out.length === 0) break;
    out = await decodeOnce(out, d, clampLimit(limit));
  }
  return out;
}

/** Inflate that looks at the first byte to choose between zlib-wrapped and raw deflate. */
function inflateStream(): Transform {
  let inner: Transform | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!inner) {
        inner = isZlibWrapped(chunk[0]) ? zlib.createInflate(lenient) : zlib.createInflateRaw(lenient);
        inner.on('data', (d) => this.push(d));
        inner.on('error', (e) => this.destroy(e));
      }
      inner.write(chunk, cb);
    },
    flush(cb) {
      if (!inner) return cb();
      inner.once('end', () => cb());
      inner.end();
    },
  });
}

function decoderStream(coding: Decoder): Transform {
  let stream: Transform;
  if (coding === 'gzip') stream = zlib.createGunzip(lenient);
  else if (coding === 'deflate') stream = inflateStream();
  else if (coding === 'br') stream = zlib.createBrotliDecompress(lenientBr);
  else stream = zstd.createZstdDecompress!();
  // Tag errors with the coding, so the caller can say which decoder failed.
  const destroy = stream.destroy.bind(stream);
  stream.destroy = (err?: Error) => destroy(err && !(err instanceof DecodeFailure) && !(err instanceof DecodedTooLarge) ? new DecodeFailure(coding, err) : err);
  return stream;
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

/**
 * Decodes a streamed body with the same size limit. Errors reach the reader through `mapError`, so
 * they are sessio errors; destroying the returned stream stops the source.
 */
export function decodeStream(source: Readable, decoders: readonly Decoder[], limit: number, mapError: (err: unknown) => Error): Readable {
  const out = new PassThrough();
  const stages = [source, ...decoders.map(decoderStream), limiter(clampLimit(limit))];
  const last = stages[stages.length - 1] as Transform;
  (pipeline as unknown as (...s: unknown[]) => void)(...stages, (err: unknown) => {
    if (err) out.destroy(mapError(err));
  });
  last.pipe(out);
  out.on('close', () => {
    if (!out.readableEnded) source.destroy();
  });
  return out;
}
