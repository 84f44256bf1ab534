import { ACCEPT_ENCODING } from './decode.js';
import type { RequestHeaders } from './headers.js';
import type { BodySnapshot } from './log/body.js';
import { hasDotSegments, WRITTEN_URL } from './path-as-is.js';
import { utf8Text } from './log/body.js';
import type { MultipartFile, MultipartInit, MultipartValue } from './multipart.js';
import { isSecretField, REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';

/** Options of `toCurl()`. */
export interface CurlOptions {
  /** Replace credentials, cookies, tokens and password fields by `[REDACTED]` (default `true`). */
  redact?: boolean;
}

/** What a curl command is built from: a prepared request or what a hop sent. */
export interface CurlSource {
  method: string;
  url: string;
  headers: Readonly<RequestHeaders>;
  body: BodySnapshot | undefined;
  /** TLS certificate checks were off (`rejectUnauthorized: false`): `-k`. */
  insecure: boolean;
  /** Trusted CAs were given (`tls.ca`): `--cacert`, with a note to save them. */
  customCa?: boolean;
  /** A client certificate was used (`tls.cert`/`tls.key`): `--cert`/`--key`, with a note. */
  clientCert?: boolean;
  sensitive: ReadonlySet<string> | undefined;
}

/** Bodies larger than this are not inlined in the command; a file is referenced instead. */
const MAX_INLINE = 256 * 1024;
const SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A `printf '%b'` argument producing exactly `bytes` (octal escapes for anything not plain ASCII). */
function printfBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x27) out += String.fromCharCode(b);
    else out += `\\0${b.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

function headerArgs(src: CurlSource, redact: boolean, multipart: boolean): { args: string[]; compressed: boolean } {
  const headers = redact ? redactHeaders(src.headers, src.sensitive) : src.headers;
  const args: string[] = [];
  let compressed = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    // curl computes the length itself, and writes its own multipart boundary.
    if (lower === 'content-length' || (multipart && lower === 'content-type')) continue;
    if (lower === 'accept-encoding' && value === ACCEPT_ENCODING) {
      compressed = true;
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      // `-H 'x:'` would remove the header; `x;` sends it empty.
      args.push('-H', shellQuote(v === '' ? `${name};` : `${name}: ${v}`));
    }
  }
  // curl adds its own User-Agent and Accept when none is given; sessio sent none.
  for (const name of ['user-agent', 'accept']) {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === name)) args.push('-H', shellQuote(`${name}:`));
  }
  return { args, compressed };
}

function partArg(name: string, value: MultipartValue, redact: boolean, notes: string[]): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const v = redact && isSecretField(name) ? REDACTED : String(value);
    return ['--form-string', shellQuote(`${name}=${v}`)];
  }
  const file = value as MultipartFile & { name?: string; type?: string };
  const filename = ('filename' in file && file.filename) || (typeof file.name === 'string' ? file.name : undefined);
  const type = ('contentType' in file && file.contentType) || (typeof file.type === 'string' && file.type) || undefined;
  if (!(value instanceof Uint8Array) && 'value' in file && filename === undefined && typeof file.value === 'string') {
    return ['--form-string', shellQuote(`${name}=${redact && isSecretField(name) ? REDACTED : file.value}`)];
  }
  let path: string;
  if (!(value instanceof Uint8Array) && 'path' in file) path = file.path;
  else {
    path = filename ?? `${name}.bin`;
    notes.push(`part ${JSON.stringify(name)}: save its content as ./${path}`);
  }
  const quoted = (s: string) => (/[;,"\s]/.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : s);
  let spec = `${name}=@${quoted(path)}`;
  if (filename !== undefined) spec += `;filename=${quoted(filename)}`;
  if (type) spec += `;type=${type}`;
  return ['-F', shellQuote(spec)];
}

function multipartArgs(init: MultipartInit, redact: boolean, notes: string[]): string[] {
  const args: string[] = [];
  const entries: [string, unknown][] = typeof FormData !== 'undefined' && init instanceof FormData ? [...init.entries()] : Object.entries(init);
  for (const [name, value] of entries) {
    if (value === null || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) args.push(...partArg(name, one as MultipartValue, redact, notes));
  }
  return args;
}

interface BodyArgs {
  args: string[];
  /** A command whose output is piped into curl (`printf … |`). */
  pipe?: string;
}

function bodyArgs(body: BodySnapshot, redact: boolean, hasType: boolean, notes: string[]): BodyArgs {
  // --data-binary would add `Content-Type: application/x-www-form-urlencoded`; sessio sent none.
  const noType = hasType ? [] : ['-H', shellQuote('Content-Type:')];
  if (body.kind === 'multipart' && body.multipart) return { args: multipartArgs(body.multipart, redact, notes) };
  if (body.data === undefined || (body.size ?? 0) > MAX_INLINE) {
    notes.push(`the ${body.kind} body${body.size === undefined ? '' : ` (${body.size} bytes)`} was not kept: save it as ./body.bin`);
    return { args: [...noType, '--data-binary', '@body.bin'] };
  }
  const text = typeof body.data === 'string' ? body.data : utf8Text(body.data);
  if (text !== undefined && !text.includes('\0')) {
    // Scanned up to MAX_INLINE so that any body short enough to be inlined is redacted whole.
    const shown = redact ? redactBody(text, MAX_INLINE) : { text, truncated: false };
    if (shown.truncated) {
      notes.push(`the ${body.kind} body (${text.length} characters) is too long to inline: save it as ./body.bin`);
      return { args: [...noType, '--data-binary', '@body.bin'] };
    }
    // --data-raw sends the text as is (no @file, no newline stripping).
    return { args: [...noType, '--data-raw', shellQuote(shown.text)] };
  }
  const bytes = typeof body.data === 'string' ? Buffer.from(body.data) : body.data;
  return { args: [...noType, '--data-binary', '@-'], pipe: `printf '%b' ${printfBytes(bytes)}` };
}

function methodArgs(method: string, hasBody: boolean): string[] {
  if (method === 'HEAD') return ['--head'];
  if ((method === 'GET' && !hasBody) || (method === 'POST' && hasBody)) return [];
  return ['-X', shellQuote(method)];
}

/**
 * A curl command that sends the same request: method, URL, headers and body, `--compressed` when
 * Accept-Encoding was sessio's default, `-k` when certificate checks were off. Redacted unless
 * `{ redact: false }`; bodies that were streamed are referenced as files, with a comment saying so.
 */
export function toCurl(src: CurlSource, options: CurlOptions = {}): string {
  const redact = options.redact ?? true;
  const notes: string[] = [];
  let url = redact ? redactUrl(src.url) : src.url;
  const multipart = src.body?.kind === 'multipart' && src.body.multipart !== undefined;
  const hasType = Object.keys(src.headers).some((k) => k.toLowerCase() === 'content-type');
  const headers = headerArgs(src, redact, multipart);
  const body = src.body ? bodyArgs(src.body, redact, hasType, notes) : { args: [] };
  // A URL sent with pathAsIs keeps its dot segments, which curl too removes unless told not to.
  const written = WRITTEN_URL.exec(src.url)?.[2] ?? '';
  const asIs = hasDotSegments(written) ? ['--path-as-is'] : [];
  // Redaction parses the URL again, which would tidy a written path (`%2e%2e` included): keep it as sent.
  if (written) url = url.replace(WRITTEN_URL, (_, origin: string) => origin + written);
  const args = ['curl', ...(/[[\]{}]/.test(url) ? ['-g'] : []), ...asIs, shellQuote(url), ...methodArgs(src.method, src.body !== undefined), ...headers.args, ...body.args];
  if (headers.compressed) args.push('--compressed');
  if (src.insecure) args.push('-k');
  else if (src.customCa) {
    args.push('--cacert', 'ca.pem');
    notes.push('the request trusted its own CA certificates: save them as ./ca.pem');
  }
  if (src.clientCert) {
    args.push('--cert', 'client.pem', '--key', 'client-key.pem');
    notes.push('the request used a client certificate: save it as ./client.pem and its key as ./client-key.pem');
  }
  const command = (body.pipe ? `${body.pipe} | ` : '') + args.join(' ');
  return [...notes.map((n) => `# ${n}`), command].join('\n');
}
