import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CookieJar, writeFileAtomic } from '../index.js';
import type { Command } from './args.js';
import { palette, wantsColor } from './colors.js';
import { UsageError } from './errors.js';
import { write, type Io } from './io.js';
import { networkInit, openSession, persist } from './open.js';
import { expandUrl } from './target.js';

type CookiesCommand = Extract<Command, { kind: 'cookies' }>;

/**
 * `sessio cookies URL` (which cookies of the session a request to URL gets, and why each other one of
 * that site does not), `cookies import FILE` (cookies.txt or JSON), `cookies export` (cookies.txt,
 * or JSON with --json). The session is `--session NAME`, `default` without it. Values are printed
 * only by export, which is meant for files.
 */
export async function runCookiesCommand(cmd: CookiesCommand, io: Io): Promise<number> {
  const v = cmd.values;
  const cli = await openSession({ ...v, session: v.session ?? v['session-read-only'] ?? 'default', readOnly: v['session-read-only'] !== undefined }, io.env, networkInit(v));
  try {
    if (cmd.action === 'list') return await listCookies(cli.session.cookies, expandUrl(cmd.arg!), io);
    if (cmd.action === 'export') {
      const text = v.json ? `${JSON.stringify(cli.session.cookies.toJSON(), null, 2)}\n` : cli.session.cookies.toNetscape();
      if (v.output !== undefined) await writeFileAtomic(resolve(v.output), text);
      else await write(io.stdout, text);
      return 0;
    }
    const count = importCookies(cli.session.cookies, await readFile(cmd.arg!, 'utf8'), cmd.arg!);
    if (!cli.readOnly) await persist(cli);
    if (!v.quiet) await write(io.stdout, `Imported ${count} cookie${count === 1 ? '' : 's'} into ${cli.file}\n`);
    return 0;
  } finally {
    await cli.session.close();
  }
}

async function listCookies(jar: CookieJar, url: string, io: Io): Promise<number> {
  if (url.startsWith('/')) throw new UsageError('cookies needs a full URL', 'e.g. sessio cookies :8080/api --session work');
  const pal = palette(wantsColor(io.stdout.isTTY, io.env));
  const rows = jar.explain(url);
  if (rows.length === 0) {
    await write(io.stdout, `No cookies of the session are stored for ${new URL(url).host}\n`);
    return 0;
  }
  const lines = rows.map((c) => {
    const flags = [c.hostOnly ? 'host-only' : `Domain=${c.domain}`, `Path=${c.path}`, c.secure && 'Secure', c.httpOnly && 'HttpOnly', c.sameSite !== 'default' && `SameSite=${c.sameSite}`,
      c.expires === undefined ? 'session' : `expires ${new Date(c.expires).toISOString()}`].filter(Boolean).join('; ');
    const head = c.sent ? pal.green('sent    ') : pal.yellow('withheld');
    return `${head} ${pal.bold(c.name)}  ${c.domain}  ${flags}${c.sent ? '' : `\n         ${c.reason}: ${c.detail}`}`;
  });
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}

/**
 * cookies.txt (Netscape/curl format) or JSON: sessio's jar JSON (`sessio cookies export --json`, a
 * session file's `cookies`) or a tough-cookie jar. sessio's JSON goes through cookies.txt, which
 * keeps every attribute the jar sends by except SameSite.
 */
function importCookies(jar: CookieJar, text: string, file: string): number {
  if (!/^\s*[[{]/.test(text)) return jar.importNetscape(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not valid JSON, and JSON is what a file starting with { or [ must be`, 'give a cookies.txt or a JSON cookie jar');
  }
  if (json !== null && typeof json === 'object' && (json as { format?: unknown }).format !== undefined) return jar.importNetscape(CookieJar.fromJSON(json).toNetscape());
  return jar.importToughCookie(json);
}
