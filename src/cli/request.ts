import { resolve } from 'node:path';
import { existsSync, fstatSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deflateSync } from 'node:zlib';
import { AuthenticationError, digestAuth, type LoginRecord, type OriginCredentials, type PreparedRequest, isOriginBoundHeader, looksLoggedOut, writeFileAtomic, type Hop, type RequestOptions, type Response } from '../index.js';
import type { Command, Values } from './args.js';
import { palette, wantsColor, type Palette } from './colors.js';
import { download, downloadPath } from './download.js';
import { collectItems, formFields, multipartOf, type ItemRequest } from './items.js';
import { UsageError } from './errors.js';
import { nestedJson } from './nested.js';
import { write, type Io } from './io.js';
import { networkInit, openSession, persist, type CliSession } from './open.js';
import { parseParts, prettyBody, requestBodyText, requestHead, responseHead, type Part } from './output.js';
import { promptPassword } from './password.js';
import { expandUrl } from './target.js';

type RequestCommand = Extract<Command, { kind: 'request' }>;

const JSON_ACCEPT = 'application/json, */*;q=0.5';
/** HTTPie's form Content-Type, charset included. */
const FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** How the body and headers are shown. */
interface View {
  parts: Set<Part>;
  /** What to print of intermediate hops (redirects) with --all. */
  history: Set<Part>;
  all: boolean;
  sorted: boolean;
  pal: Palette;
  format: boolean;
}

/** Sends one request as the command line describes it; returns the exit code. */
export async function runRequest(cmd: RequestCommand, io: Io): Promise<number> {
  const v = cmd.values;
  refuseUnsupported(v);
  const items = collectItems(cmd.items);
  const raw = await rawBody(v, items, io);
  const url = expandUrl(cmd.url);
  const options = requestOptions(items, bodyMode(v, items), raw, v.json ?? false);
  if (v['path-as-is']) options.pathAsIs = true;
  if (v.boundary !== undefined) chooseBoundary(v.boundary, options);
  const method = cmd.method ?? (items.hasData || items.files.length || raw !== undefined ? 'POST' : 'GET');
  const view = viewOf(cmd, io);
  const cli = await openSession(sessionValues(v), io.env, networkInit(v));
  try {
    if (url.startsWith('/') && cli.session.config.baseUrl === undefined) {
      throw new UsageError(`${JSON.stringify(cmd.url)} is a path but the session has no base URL`, 'give a full URL such as :8080/path or example.org/path');
    }
    const target = new URL(cli.session.prepare(method, url).url);
    const digest = await applyAuth(v, options, target, io);
    await encodeBody(v, options, (init) => cli.session.prepare(method, url, init));
    resumeFrom(v, options);
    if (cli.file) {
      rememberHeaders(cli, remembered(items, options, digest !== undefined), target);
      // -a replaces what the session had for this origin, as in HTTPie: Digest is saved as credentials.
      if (v.auth !== undefined) cli.session.originAuth.bind(target.origin, digest ?? null);
    }
    if (v.curl) return await printCurl(cli, method, url, options, io);
    if (v.offline) return await printOffline(cli, method, url, options, view, io);
    if (v.har !== undefined) cli.session.startHar();
    let res: Response;
    const started = Date.now();
    try {
      res = await cli.session.request(method, url, { ...options, followRedirects: v.follow ?? false, stream: (v.download ?? false) || (v.stream ?? false) });
    } catch (err) {
      // A token login whose token and refresh token ran out, with no password to log in again.
      if (err instanceof AuthenticationError && cli.login && !cli.relogin && fromLoginEndpoint(err, cli.login)) throw new UsageError(`the saved ${cli.login.kind ?? 'form'} login at ${new URL(cli.login.url).origin} has run out (${err.reason})`, reloginHint(cli));
      throw err;
    } finally {
      if (v.har !== undefined) await writeHar(cli, v.har);
    }
    if (cli.login && !cli.relogin && looksLoggedOut(res, new URL(cli.login.url, res.url))) {
      io.stderr.write(`sessio: the saved login at ${new URL(cli.login.url, res.url).origin} has expired; ${reloginHint(cli)}\n`);
    }
    if (v.download) await downloadBody(res, v, view, io);
    else if (!v.quiet) await show(res, view, io, Date.now() - started, v.stream ?? false);
    else await res.cancel();
    return exitCode(res, (v['check-status'] ?? false) || (v.download ?? false), v.quiet ? undefined : io);
  } finally {
    try {
      if (!cli.readOnly) await persist(cli);
    } finally {
      await cli.session.close();
    }
  }
}

/** Whether a login error came from logging in or refreshing (not from an API's answer, such as insufficient_scope). */
function fromLoginEndpoint(err: AuthenticationError, login: LoginRecord): boolean {
  if (err.url === undefined) return true;
  const at = (u: string) => {
    const url = new URL(u, login.url);
    return url.origin + url.pathname;
  };
  return [login.url, login.options?.refreshUrl].some((u) => u !== undefined && at(u) === at(err.url!));
}

function reloginHint(cli: CliSession): string {
  return `set ${cli.missing.join(' and ')} for automatic re-login, or run sessio login again (--save-password keeps the secrets)`;
}

/** -c: ask only for the rest of a partial --output file (a server that ignores Range gets it rewritten). */
function resumeFrom(v: Values, options: RequestOptions): void {
  if (!v.continue) return;
  if (!v.download || v.output === undefined) throw new UsageError('--continue needs --output FILE and --download', 'e.g. sessio -d -c -o big.iso URL');
  const size = existsSync(v.output) ? statSync(v.output).size : 0;
  if (size > 0) (options.headers as Record<string, string | string[] | null>).range = `bytes=${size}-`;
}

/** HTTPie options sessio does not implement: refused with a clear line rather than ignored. */
function refuseUnsupported(v: Values): void {
  if (v.user !== undefined) throw new UsageError('--user is for sessio login', 'for a request give credentials with -a USER[:PASS]');
  if (v.session !== undefined && v['session-read-only'] !== undefined) throw new UsageError('--session and --session-read-only cannot be used together', 'pick one');
  if (v.form && v.json) throw new UsageError('--form and --json cannot be used together', 'pick one body format');
  if (v.sorted && v.unsorted) throw new UsageError('--sorted and --unsorted cannot be used together');
}

function sessionValues(v: Values): Values & { readOnly: boolean } {
  const name = v.session ?? v['session-read-only'];
  return { ...v, session: name, readOnly: v['session-read-only'] !== undefined };
}

/** --boundary: HTTPie's, put in the Content-Type (a multipart one given as an item keeps its type). */
function chooseBoundary(boundary: string, options: RequestOptions): void {
  if (options.multipart === undefined) throw new UsageError('--boundary needs a multipart body', 'add --multipart, or a file item such as field@path');
  const headers = options.headers as Record<string, string | string[] | null>;
  const name = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  const given = name === undefined ? undefined : headers[name];
  const type = typeof given === 'string' && /^\s*multipart\//i.test(given) ? given.replace(/;\s*boundary=("[^"]*"|[^;\s]+)/i, '') : 'multipart/form-data';
  if (name !== undefined) delete headers[name];
  // Quoted (escapes included) when not a token: the library parses it back and refuses what RFC 2046 does not allow.
  headers['content-type'] = `${type}; boundary=${/^[\w'+\-.]+$/.test(boundary) ? boundary : `"${boundary.replace(/["\\]/g, '\\$&')}"`}`;
}

type BodyMode = 'json' | 'form' | 'multipart';

/** HTTPie's body type, except that sessio sends a file item (`f@file`) as multipart even without --form. */
function bodyMode(v: Values, items: ItemRequest): BodyMode {
  if (v.multipart || items.files.length > 0) return 'multipart';
  return v.form ? 'form' : 'json';
}

/**
 * The request body from --raw or stdin, as HTTPie: stdin is read when it is not a terminal, unless
 * -I/--ignore-stdin or data items are given. Data items win over a pipe (unread, so a loop's input
 * is not swallowed); with a file redirected to stdin or --raw they are an error, as in HTTPie.
 */
async function rawBody(v: Values, items: ItemRequest, io: Io): Promise<Buffer | undefined> {
  const mixed = 'Request body (from stdin, --raw or a file) and request data (key=value) cannot be mixed';
  if (v.raw !== undefined) {
    if (items.hasData) throw new UsageError(mixed, 'drop --raw or the key=value items');
    return Buffer.from(v.raw);
  }
  if (v['ignore-stdin'] || io.stdin.isTTY === true) return undefined;
  if (items.hasData) {
    if (stdinIsNonEmptyFile(io.stdin)) throw new UsageError(mixed, 'pass --ignore-stdin (-I) to let key/value take priority');
    return undefined;
  }
  const body = await readAll(io.stdin);
  return body.length > 0 ? body : undefined;
}

function stdinIsNonEmptyFile(stdin: NodeJS.ReadStream): boolean {
  const fd = (stdin as { fd?: number }).fd;
  if (typeof fd !== 'number') return false;
  try {
    const info = fstatSync(fd);
    return info.isFile() && info.size > 0;
  } catch {
    return false;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

function requestOptions(items: ItemRequest, mode: BodyMode, raw: Buffer | undefined, json: boolean): RequestOptions {
  const headers: Record<string, string | string[] | null> = {};
  // HTTPie's defaults: JSON Accept and Content-Type with --json or a JSON body; its form Content-Type.
  const body = items.hasData || raw !== undefined;
  if (mode === 'json' && (json || body)) headers.accept = JSON_ACCEPT;
  if (mode === 'json' && json && !body) headers['content-type'] = 'application/json';
  if (mode === 'form' && body) headers['content-type'] = FORM_TYPE;
  if (mode === 'json' && raw !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, items.headers);
  const options: RequestOptions = { headers, params: items.params };
  if (raw !== undefined) options.body = raw;
  else if (mode === 'multipart') options.multipart = multipartOf(items);
  else if (mode === 'form' && items.hasData) options.form = new URLSearchParams(formFields(items));
  else if (items.hasData) options.json = nestedJson(items.data);
  return options;
}

/**
 * Item headers (and -a credentials) become session headers in a saved session, except per-request
 * ones (as HTTPie). A secret one (Authorization, X-Api-Key, *-Token…) is remembered for the request's
 * origin only: the same named session used with another host never sends it there.
 */
function rememberHeaders(cli: CliSession, headers: Record<string, string | string[] | null>, target: URL): void {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('content-') || lower.startsWith('if-') || lower === 'cookie') continue;
    if (isOriginBoundHeader(lower)) {
      // An older file's session-wide copy would otherwise linger next to the bound one.
      delete cli.session.headers[lower];
      cli.session.originHeaders.bind(target.origin, lower, value);
    } else if (value === null) delete cli.session.headers[lower];
    else cli.session.headers[lower] = value;
  }
}

function viewOf(cmd: RequestCommand, io: Io): View {
  const v = cmd.values;
  const tty = io.stdout.isTTY === true;
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '' && io.env.FORCE_COLOR !== '0';
  const pretty = v.pretty ?? (tty || forced ? 'all' : 'none');
  if (!['all', 'colors', 'format', 'none'].includes(pretty)) throw new UsageError(`--pretty ${JSON.stringify(pretty)} is not one of all, colors, format, none`);
  const colors = (pretty === 'all' || pretty === 'colors') && (v.pretty !== undefined ? !(io.env.NO_COLOR) : wantsColor(tty, io.env) || forced);
  const parts = partsOf(v, tty);
  const history = v['history-print'] === undefined ? parts : letters(v['history-print'], '--history-print');
  const all = (v.all ?? false) || (v.verbose ?? false);
  return { parts, history, all, pal: palette(colors), format: pretty === 'all' || pretty === 'format', sorted: v.sorted ?? false };
}

function partsOf(v: Values, tty: boolean): Set<Part> {
  if (v.print !== undefined) return letters(v.print, '--print');
  const parts = new Set<Part>(v.verbose ? ['H', 'B', 'h', 'b'] : v.headers ? ['h'] : v.body ? ['b'] : v.offline ? ['H', 'B'] : tty ? ['h', 'b'] : ['b']);
  if (v.meta) parts.add('m');
  return parts;
}

function letters(spec: string, flag: string): Set<Part> {
  const parts = parseParts(spec);
  if (!parts) throw new UsageError(`${flag} ${JSON.stringify(spec)} must be made of the letters H, B, h, b, m`, 'e.g. --print Hh for request and response headers');
  return parts;
}

/** -a/-A: Basic and Bearer as an Authorization header, Digest as the library's scheme (returned, to be saved). */
async function applyAuth(v: Values, options: RequestOptions, target: URL, io: Io): Promise<OriginCredentials | undefined> {
  const type = (v['auth-type'] ?? 'basic').toLowerCase();
  if (!['basic', 'digest', 'bearer'].includes(type)) throw new UsageError(`--auth-type ${JSON.stringify(v['auth-type'])} is not one of basic, digest, bearer`);
  if (v.auth === undefined) {
    if (v['auth-type'] !== undefined) throw new UsageError(`--auth-type ${type} needs --auth (-a)`, type === 'bearer' ? 'e.g. -A bearer -a TOKEN' : 'e.g. -a USER:PASS');
    return undefined;
  }
  const headers = options.headers as Record<string, string | string[] | null>;
  // The credentials given now win over Digest credentials the session saved for this origin.
  options.auth = null;
  if (type === 'bearer') {
    headers.authorization = `Bearer ${v.auth}`;
    return undefined;
  }
  const { user, password } = await credentials(v.auth, target, io);
  if (type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    return undefined;
  }
  options.auth = digestAuth(user, password);
  return { type: 'digest', username: user, password };
}

/** `USER:PASS` (a `\\:` is a colon in the user name), or `USER` and a prompt on the terminal, as HTTPie. */
async function credentials(spec: string, target: URL, io: Io): Promise<{ user: string; password: string }> {
  const m = /^((?:\\.|[^\\:])*):(.*)$/s.exec(spec);
  if (m) return { user: m[1]!.replace(/\\:/g, ':'), password: m[2]! };
  const user = spec.replace(/\\:/g, ':');
  if (io.stdin.isTTY !== true) throw new UsageError(`-a ${JSON.stringify(user)} has no password and stdin is not a terminal to ask for it`, 'give -a USER:PASS');
  return { user, password: await promptPassword(`http: password for ${user}@${target.host}: `, io.stdin, io.stderr) };
}

/**
 * -x deflates the body (zlib, as HTTPie) when that makes it smaller, -xx always; --chunked sends it
 * as a stream, so with Transfer-Encoding: chunked instead of Content-Length. A multipart body is
 * encoded first (its files read whole for -x, as HTTPie does; streamed for --chunked alone).
 */
async function encodeBody(v: Values, options: RequestOptions, prepare: (init: RequestOptions) => PreparedRequest): Promise<void> {
  const level = v.compress?.length ?? 0;
  if (level === 0 && !v.chunked) return;
  const headers = options.headers as Record<string, string | string[] | null>;
  let data: Buffer | Readable;
  if (options.multipart !== undefined) {
    // The library's encoding (the boundary of a given multipart Content-Type included), as a stream.
    const encoded = prepare({ multipart: options.multipart, headers });
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
    headers['content-type'] = String(encoded.headers['content-type']);
    const stream = encoded.body!.data as Readable;
    data = level ? Buffer.concat(await stream.toArray() as Buffer[]) : stream;
    delete options.multipart;
  } else if (options.json !== undefined) {
    data = Buffer.from(JSON.stringify(options.json));
    headers['content-type'] ??= 'application/json';
  } else if (options.form !== undefined) {
    data = Buffer.from(String(options.form));
    headers['content-type'] ??= FORM_TYPE;
  } else if (options.body !== undefined) data = options.body as Buffer;
  else return;
  delete options.json;
  delete options.form;
  options.body = data;
  if (!(data instanceof Buffer)) return;
  const deflated = level ? deflateSync(data) : undefined;
  if (deflated && (deflated.length < data.length || level >= 2)) {
    options.body = deflated;
    headers['content-encoding'] = 'deflate';
  }
  if (v.chunked) options.body = Readable.from([options.body as Buffer]);
}

async function show(res: Response, view: View, io: Io, elapsedMs: number, stream: boolean): Promise<void> {
  const hops: Hop[] = view.all ? [...res.history, res] : [res];
  const blocks: string[] = [];
  hops.forEach((hop, i) => {
    const parts = i < hops.length - 1 ? view.history : view.parts;
    if (parts.has('H')) blocks.push(requestHead(hop.request, view.pal, view.sorted));
    if (parts.has('B')) {
      const body = requestBodyText(hop.request, view.pal, view.format);
      if (body) blocks.push(body);
    }
    if (parts.has('h')) blocks.push(responseHead(hop, view.pal, view.sorted));
  });
  const { parts } = view;
  const head = blocks.length ? `${blocks.join('\n\n')}\n` : '';
  const meta = parts.has('m') ? `\n${view.pal.dim(`Elapsed time: ${(elapsedMs / 1000).toFixed(3)}s`)}\n` : '';
  if (!parts.has('b')) {
    if (res.body) await res.cancel();
    if (head || meta) await write(io.stdout, head + meta);
    return;
  }
  if (stream && res.body) {
    // -S: the body as it arrives, unformatted, like HTTPie's --stream.
    if (head) await write(io.stdout, `${head}\n`);
    await pipeline(res.body, io.stdout, { end: false });
    if (meta) await write(io.stdout, meta);
    return;
  }
  const bytes = await res.bytes();
  if (view.format || view.pal.enabled) {
    const formatted = view.format ? prettyBody(bytes, res.headers.get('content-type'), view.pal, view.sorted) : Buffer.from(bytes).toString('utf8');
    await write(io.stdout, `${head}${head && formatted ? '\n' : ''}${formatted}${formatted && !formatted.endsWith('\n') ? '\n' : ''}${meta}`);
    return;
  }
  // Piped: the body's bytes exactly as received (decoded from gzip and the like), nothing added.
  if (head) await write(io.stdout, `${head}\n`);
  if (bytes.length) await write(io.stdout, bytes);
  if (meta) await write(io.stdout, meta);
}

/** --offline: the request that would be sent (session headers, cookies and credentials included), not sent. */
async function printOffline(cli: CliSession, method: string, url: string, options: RequestOptions, view: View, io: Io): Promise<number> {
  const req = cli.session.prepare(method, url, options);
  const cookie = cli.session.cookies.getCookieHeader(req.url);
  if (cookie) req.headers.cookie = cookie;
  const sent = req.snapshot();
  const blocks: string[] = [];
  if (view.parts.has('H')) blocks.push(requestHead(sent, view.pal, view.sorted));
  if (view.parts.has('B')) {
    const body = requestBodyText(sent, view.pal, view.format);
    if (body) blocks.push(body);
  }
  if (blocks.length) await write(io.stdout, `${blocks.join('\n\n')}\n`);
  return 0;
}

/**
 * --download: to the file (-o, or a name from the response), with a progress bar on a terminal; to
 * stdout when stdout is piped and no -o is given, as HTTPie. -c continues a partial -o file.
 */
async function downloadBody(res: Response, v: Values, view: View, io: Io): Promise<void> {
  if (view.parts.has('h') && view.parts.has('H')) io.stderr.write(`${responseHead(res, palette(false), false)}\n\n`);
  // As HTTPie: an error status (a 416 for -c past the end included) downloads nothing, leaves the file alone and
  // exits with the --check-status code (4 for 4xx) and its warning.
  if (res.status >= 400) {
    await res.cancel();
    return;
  }
  if (v.output === undefined && io.stdout.isTTY !== true) {
    if (res.body) await pipeline(res.body, io.stdout, { end: false });
    return;
  }
  const append = (v.continue ?? false) && res.status === 206;
  const file = v.output !== undefined ? v.output : downloadPath(res, undefined);
  const tty = io.stderr.isTTY === true && !v.quiet;
  const bytes = await download(res, file, tty ? { write: (s) => io.stderr.write(s), columns: io.stderr.columns } : undefined, v.output !== undefined ? (append ? 'a' : 'w') : 'wx');
  if (tty) io.stderr.write(`Saved ${bytes} bytes to "${file}"\n`);
}

/** The headers a saved session keeps: the items' and an Authorization from -a, not sessio's defaults. */
function remembered(items: ItemRequest, options: RequestOptions, digest: boolean): Record<string, string | string[] | null> {
  // Digest replaces a saved Basic or Bearer header for the origin.
  const auth = digest ? null : (options.headers as Record<string, string | string[] | null>).authorization;
  return { ...items.headers, ...(auth !== undefined && items.headers.authorization === undefined && { authorization: auth }) };
}

/** Prints the request as a curl command instead of sending it; cookies from the session included, secrets redacted. */
async function printCurl(cli: CliSession, method: string, url: string, options: RequestOptions, io: Io): Promise<number> {
  const req = cli.session.prepare(method, url, options);
  const cookie = cli.session.cookies.getCookieHeader(req.url);
  if (cookie) req.headers.cookie = cookie;
  await write(io.stdout, `${req.toCurl()}\n`);
  return 0;
}

/** The exchange (redirects and re-login included, secrets redacted) as a HAR file, owner-only. */
async function writeHar(cli: CliSession, file: string): Promise<void> {
  await writeFileAtomic(resolve(file), `${JSON.stringify(cli.session.har(), null, 2)}\n`);
}

/** HTTPie's --check-status codes: 3 for 3xx (not followed), 4 for 4xx, 5 for 5xx. */
function exitCode(res: Response, checkStatus: boolean, io: Io | undefined): number {
  if (!checkStatus) return 0;
  const code = res.status >= 500 ? 5 : res.status >= 400 ? 4 : res.status >= 300 ? 3 : 0;
  if (code !== 0 && io && io.stdout.isTTY !== true) io.stderr.write(`sessio: warning: HTTP ${res.status} ${res.statusText}\n`);
  return code;
}
