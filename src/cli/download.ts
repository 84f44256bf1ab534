import { createWriteStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from '../index.js';
import { formatBytes, ProgressBar } from './progress.js';

const MAX_SUFFIX = 1000;

/** Where a download goes: `--output`, else the Content-Disposition filename, else the URL's last segment. */
export function downloadPath(res: Response, output: string | undefined): string {
  if (output) return output;
  const name = filenameOf(res.headers.get('content-disposition')) ?? lastSegment(res.url) ?? 'index.html';
  // Never overwrite: `file`, `file-1`, `file-2`…, as HTTPie.
  if (!existsSync(name)) return name;
  for (let i = 1; i <= MAX_SUFFIX; i++) if (!existsSync(`${name}-${i}`)) return `${name}-${i}`;
  return `${name}-${Date.now()}`;
}

function filenameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  let name: string | undefined;
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
  return safeName(name);
}

function lastSegment(url: string): string | undefined {
  try {
    return safeName(decodeURIComponent(new URL(url).pathname.split('/').pop() ?? ''));
  } catch {
    return undefined;
  }
}

/** A server-chosen name must not climb out of the current directory or hide as a dotfile. */
function safeName(name: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters in a file name can spoof the terminal
  const base = basename((name ?? '').replace(/\\/g, '/')).replace(/[\0-\x1f]/g, '').replace(/^\.+/, '').trim();
  return base === '' ? undefined : base;
}

/**
 * Streams a `stream: true` response body to `file`. Progress goes to `progress` (stderr) only when
 * given, i.e. when stderr is a terminal.
 */
export async function download(res: Response, file: string, progress: { write(s: string): void; columns?: number } | undefined, flags: 'wx' | 'w' | 'a' = 'wx'): Promise<number> {
  const lengthHeader = res.headers.get('content-length');
  const encoded = res.headers.get('content-encoding');
  // A compressed body is decoded on the way in, so its Content-Length says nothing about what we write.
  const total = lengthHeader !== null && !encoded && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const bar = progress && new ProgressBar((s) => progress.write(s), total, progress.columns);
  progress?.write(`Downloading ${total === undefined ? '' : `${formatBytes(total)} `}to "${file}"\n`);
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      bar?.add(chunk.length);
      cb(null, chunk);
    },
  });
  const body = res.body;
  const out = createWriteStream(file, { flags, mode: 0o644 });
  if (body) await pipeline(body, count, out);
  else await pipeline(async function* () { yield await res.bytes(); }, count, out);
  bar?.done();
  return received;
}
