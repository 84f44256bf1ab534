import { accessSync, constants, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { MultipartInit, MultipartValue } from '../index.js';
import { UsageError } from './errors.js';

/** Request-item separators (HTTPie's set); at one position the longest wins. */
const SEPARATORS = [':=@', '==@', ':@', '=@', '==', ':=', '=', ':', '@', ';'] as const;
type Separator = (typeof SEPARATORS)[number];
/** Characters a backslash makes literal; before any other character the backslash stays (HTTPie). */
const SPECIAL = new Set(SEPARATORS.join(''));

/** One parsed command-line item such as `X-Api:1`, `q==x`, `name=ann`, `n:=1`, `doc@file.pdf`. */
export interface Item {
  raw: string;
  sep: Separator;
  key: string;
  value: string;
}

/**
 * Splits an item at its first unescaped separator, as HTTPie's KeyValueArgType: `\=` is a literal `=`
 * (in the key and the value), `\[` stays `\[` for the nested-JSON parser.
 */
export function parseItem(raw: string): Item | undefined {
  let key = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      key += SPECIAL.has(raw[i + 1]!) ? raw[i + 1] : `\\${raw[i + 1]}`;
      i++;
      continue;
    }
    const sep = [...SEPARATORS].sort((a, b) => b.length - a.length).find((s) => raw.startsWith(s, i));
    if (sep) return { raw, sep, key, value: unescapeValue(raw.slice(i + sep.length)) };
    key += ch;
  }
  return undefined;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/gs, (all, ch: string) => (SPECIAL.has(ch) ? ch : all));
}

/** Whether a positional argument is an item (so the one before it is the URL, not a method). */
export function isItem(arg: string): boolean {
  const item = parseItem(arg);
  return item !== undefined && item.key !== '' && !/^[a-z][a-z\d+.-]*:\/\//i.test(arg) && !(item.sep === ':' && /^\d/.test(item.value));
}

/** What the items of one command line add up to, in command-line order. */
export interface ItemRequest {
  /** Lower-case names; a repeated header is sent once per value; `null` removes a session header. */
  headers: Record<string, string | string[] | null>;
  params: [string, string][];
  /** Body fields: strings from `=`/`=@`, parsed JSON from `:=`/`:=@`. Keys may be nested-JSON paths. */
  data: [string, unknown][];
  files: [string, MultipartValue][];
  hasData: boolean;
}

/** Collects items into headers, query parameters, body fields and files. */
export function collectItems(args: readonly string[]): ItemRequest {
  const out: ItemRequest = { headers: {}, params: [], data: [], files: [], hasData: false };
  for (const arg of args) {
    const item = parseItem(arg);
    if (!item || (item.key === '' && !item.sep.includes('='))) throw new UsageError(`${JSON.stringify(arg)} is not a request item`, 'items look like Header:value, param==value, field=value, field:=json or field@file');
    addItem(out, item);
  }
  return out;
}

function addHeader(out: ItemRequest, name: string, value: string | null): void {
  const lower = name.toLowerCase();
  const had = out.headers[lower];
  if (value === null || had === undefined || had === null) out.headers[lower] = value;
  else out.headers[lower] = [...(Array.isArray(had) ? had : [had]), value];
}

function addItem(out: ItemRequest, item: Item): void {
  const { key, value, sep } = item;
  switch (sep) {
    case ':':
      // `Header:` with nothing after it removes a session or default header, as in HTTPie.
      return addHeader(out, key, value === '' ? null : value.trimStart());
    case ';':
      if (value !== '') throw new UsageError(`Invalid item ${JSON.stringify(item.raw)} (to specify an empty header use \`Header;\`)`);
      return addHeader(out, key, '');
    case ':@':
      return addHeader(out, key, readText(item, value).replace(/\n+$/, ''));
    case '==':
      out.params.push([key, value]);
      return;
    case '==@':
      out.params.push([key, readText(item, value).replace(/\n+$/, '')]);
      return;
    case '=':
      out.data.push([key, value]);
      break;
    case '=@':
      out.data.push([key, readText(item, value)]);
      break;
    case ':=':
      out.data.push([key, parseJson(item, value)]);
      break;
    case ':=@':
      out.data.push([key, parseJson(item, readText(item, value))]);
      break;
    case '@':
      out.files.push([key, fileValue(item, value)]);
      break;
  }
  out.hasData = true;
}

/**
 * Fields of a form or multipart body: as HTTPie's --form, a raw JSON value (`:=`) must be a string,
 * number or boolean; repeated keys stay repeated.
 */
export function formFields(items: ItemRequest): [string, string][] {
  return items.data.map(([k, v]) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return [k, String(v)];
    throw new UsageError(`${JSON.stringify(k)}: Can't use complex JSON value types with --form/--multipart.`, 'send it as JSON (drop --form), or as a string field=value');
  });
}

function readText(item: Item, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${JSON.stringify(path)} for item ${JSON.stringify(item.raw)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the file path');
  }
}

function parseJson(item: Item, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${JSON.stringify(item.raw)}: the value after := is not valid JSON`, 'quote strings inside JSON, e.g. tags:=\'["a","b"]\'');
  }
}

/** `field@path;type=mime`: a file part streamed from disk. */
function fileValue(item: Item, spec: string): MultipartValue {
  const m = /^(.*?);type=([\w.+-]+\/[\w.+-]+)$/.exec(spec);
  const path = m ? m[1]! : spec;
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new UsageError(`cannot read file ${JSON.stringify(path)} for item ${JSON.stringify(item.raw)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check the file path');
  }
  return { path, filename: basename(path), ...(m && { contentType: m[2]! }) };
}

/** The multipart body of form fields and files, in command-line order (repeated names repeat). */
export function multipartOf(items: ItemRequest): FormData | MultipartInit {
  const parts: Record<string, MultipartValue[]> = {};
  for (const [k, v] of [...formFields(items), ...items.files]) (parts[k] ??= []).push(v);
  return parts;
}
