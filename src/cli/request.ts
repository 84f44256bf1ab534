import { resolve } from 'node:path';
import { isOriginBoundHeader, writeFileAtomic, type RequestOptions, type Response } from '../index.js';
import type { Command } from './args.js';
import { palette, wantsColor, type Palette } from './colors.js';
import { download, downloadPath } from './download.js';
import { looksLoggedOut } from './expiry.js';
import { collectItems, multipartOf, UsageError, type ItemRequest } from './items.js';
import { write, type Io } from './io.js';
import { networkInit, openSession, persist, type CliSession } from './open.js';
import { parseParts, prettyBody, requestBodyText, requestHead, responseHead, type Part } from './output.js';
import { PASSWORD_ENV } from './password.js';
import { expandUrl } from './target.js';

type RequestCommand = Extract<Command, { kind: 'request' }>;

const JSON_ACCEPT = 'application/json, */*;q=0.5';

/** How the body and headers are shown. */
interface View {
  parts: Set<Part>;
  pal: Palette;
  format: boolean;
}

/** Sends one request as the command line describes it; returns the exit code. */
export async function runRequest(cmd: RequestCommand, io: Io): Promise<number> {
  const v = cmd.values;
  if (v.form && v.json) throw new UsageError('--form and --json cannot be used together', 'pick one body format');
  const items = collectItems(cmd.items, v.form ?? false);
  const method = cmd.method ?? (items.hasData || Object.keys(items.files).length ? 'POST' : 'GET');
  const url = expandUrl(cmd.url);
  const options = requestOptions(items, v.form ?? false, v.json ?? false);
  const view = viewOf(cmd, io);
  const cli = await openSession(v, io.env, networkInit(v));
  try {
    if (url.startsWith('/') && cli.session.config.baseUrl === undefined) {
      throw new UsageError(`${JSON.stringify(cmd.url)} is a path but the session has no base URL`, 'give a full URL such as :8080/path or example.org/path');
    }
    if (cli.file) rememberHeaders(cli, items, new URL(cli.session.prepare(method, url).url));
    if (v.curl) return await printCurl(cli, method, url, options, io);
    if (v.har !== undefined) cli.session.startHar();
    let res: Response;
    try {
      res = await cli.session.request(method, url, { ...options, followRedirects: v.follow ?? false, stream: v.download ?? false });
    } finally {
      if (v.har !== undefined) await writeHar(cli, v.har);
    }
    if (cli.login && !cli.relogin && looksLoggedOut(res, cli.login.url)) {
      io.stderr.write(`sessio: the saved login at ${new URL(cli.login.url, res.url).origin} has expired; set ${PASSWORD_ENV} (or log in again with --save-password) for automatic re-login\n`);
    }
    if (v.download) await downloadBody(res, v.output, view, io, v.quiet ?? false);
    else if (!v.quiet) await show(res, options, view, io);
    return exitCode(res, v['check-status'] ?? false, v.quiet ? undefined : io);
  } finally {
    try {
      await persist(cli);
    } finally {
      await cli.session.close();
    }
  }
}

/**
 * Item headers become session headers in a saved session, except per-request ones (as HTTPie). A
 * secret one (Authorization, X-Api-Key, *-Token…) is remembered for the request's origin only: the
 * same named session used with another host never sends it there.
 */
function rememberHeaders(cli: CliSession, items: ItemRequest, target: URL): void {
  for (const [name, value] of Object.entries(items.headers)) {
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

function requestOptions(items: ItemRequest, form: boolean, json: boolean): RequestOptions {
  const headers: Record<string, string | null> = {};
  const hasFiles = Object.keys(items.files).length > 0;
  if (!form && (json || items.hasData) && !hasFiles) headers.accept = JSON_ACCEPT;
  Object.assign(headers, items.headers);
  const options: RequestOptions = { headers, params: items.params };
  if (hasFiles) options.multipart = multipartOf(items);
  else if (form && items.hasData) options.form = Object.fromEntries(Object.entries(items.data).map(([k, val]) => [k, String(val)]));
  else if (items.hasData) options.json = items.data;
  return options;
}

function viewOf(cmd: RequestCommand, io: Io): View {
  const v = cmd.values;
  const tty = io.stdout.isTTY === true;
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '' && io.env.FORCE_COLOR !== '0';
  const pretty = v.pretty ?? (tty || forced ? 'all' : 'none');
  if (!['all', 'colors', 'format', 'none'].includes(pretty)) throw new UsageError(`--pretty ${JSON.stringify(pretty)} is not one of all, colors, format, none`);
  const colors = (pretty === 'all' || pretty === 'colors') && (v.pretty !== undefined ? !(io.env.NO_COLOR) : wantsColor(tty, io.env) || forced);
  let parts: Set<Part> | undefined;
  if (v.print !== undefined) {
    parts = parseParts(v.print);
    if (!parts) throw new UsageError(`--print ${JSON.stringify(v.print)} must be made of the letters H, B, h, b`, 'e.g. --print Hh for request and response headers');
  } else if (v.verbose) parts = new Set<Part>(['H', 'B', 'h', 'b']);
  else if (v.headers) parts = new Set<Part>(['h']);
  else if (v.body) parts = new Set<Part>(['b']);
  else parts = new Set<Part>(tty ? ['h', 'b'] : ['b']);
  return { parts, pal: palette(colors), format: pretty === 'all' || pretty === 'format' };
}

async function show(res: Response, options: RequestOptions, view: View, io: Io): Promise<void> {
  const { parts, pal } = view;
  const blocks: string[] = [];
  const exchange = [...res.history, res];
  exchange.forEach((hop, i) => {
    if (parts.has('H')) blocks.push(requestHead(hop.request, pal));
    if (parts.has('B') && i === 0) {
      const body = requestBodyText(options as Parameters<typeof requestBodyText>[0], pal, view.format);
      if (body) blocks.push(body);
    }
    if (parts.has('h') && (i === exchange.length - 1 || parts.has('H'))) blocks.push(responseHead(hop, pal));
  });
  const head = blocks.length ? `${blocks.join('\n\n')}\n` : '';
  if (!parts.has('b')) {
    if (head) await write(io.stdout, head);
    return;
  }
  const bytes = await res.bytes();
  if (view.format || pal.enabled) {
    const formatted = view.format ? prettyBody(bytes, res.headers.get('content-type'), pal) : Buffer.from(bytes).toString('utf8');
    await write(io.stdout, `${head}${head && formatted ? '\n' : ''}${formatted}${formatted && !formatted.endsWith('\n') ? '\n' : ''}`);
    return;
  }
  // Piped: the body's bytes exactly as received (decoded from gzip and the like), nothing added.
  if (head) await write(io.stdout, `${head}\n`);
  if (bytes.length) await write(io.stdout, bytes);
}

async function downloadBody(res: Response, output: string | undefined, view: View, io: Io, quiet: boolean): Promise<void> {
  if (view.parts.has('h') && view.parts.has('H')) io.stderr.write(`${responseHead(res, palette(false))}\n\n`);
  if (res.status >= 400) {
    await res.cancel();
    throw new UsageError(`the server answered ${res.status} ${res.statusText} for ${res.url}; nothing was downloaded`, 'check the URL, or drop --download to see the response');
  }
  const file = downloadPath(res, output);
  const tty = io.stderr.isTTY === true && !quiet;
  const bytes = await download(res, file, tty ? { write: (s) => io.stderr.write(s), columns: io.stderr.columns } : undefined);
  if (tty) io.stderr.write(`Saved ${bytes} bytes to "${file}"\n`);
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
