import { accessSync, constants, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { MultipartInit, MultipartValue } from '../index.js';

/** Request-item separators, longest first at any one position (HTTPie's set). */
const SEPARATORS = [':=@', '=@', '==', ':=', '=', ':', '@', ';'] as const;
type Separator = (typeof SEPARATORS)[number];

/** One parsed command-line item such as `X-Api:1`, `q==x`, `name=ann`, `n:=1`, `doc@file.pdf`. */
export interface Item {
  raw: string;
  sep: Separator;
  key: string;
  value: string;
}

/** A usage error: shown as one line with a hint, exit code 1. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** Splits an item at its first unescaped separator; `\` escapes the next character in the key. */
export function parseItem(raw: string): Item | undefined {
  let key = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      key += raw[++i];
      continue;
    }
    const sep = SEPARATORS.find((s) => raw.startsWith(s, i));
    if (sep) return { raw, sep, key, value: raw.slice(i + sep.length) };
    key += ch;
  }
  return undefined;
}

/** Whether a positional argument is an item (so the one before it is the URL, not a method). */
export function isItem(arg: string): boolean {
  const item = parseItem(arg);
  return item !== undefined && item.key !== '' && !/^[a-z][a-z\d+.-]*:\/\//i.test(arg) && !(item.sep === ':' && /^\d/.test(item.value));
}

/** What the items of one command line add up to. */
export interface ItemRequest {
  headers: Record<string, string | null>;
  params: [string, string][];
  /** JSON body fields, or form fields with `--form`. */
  data: Record<string, unknown>;
  files: Record<string, MultipartValue>;
  hasData: boolean;
}

/** Collects items into headers, query parameters, body fields and files. */
export function collectItems(args: readonly string[], form: boolean): ItemRequest {
  const out: ItemRequest = { headers: {}, params: [], data: {}, files: {}, hasData: false };
  for (const arg of args) {
    const item = parseItem(arg);
    if (!item || item.key === '') throw new UsageError(`${JSON.stringify(arg)} is not a request item`, 'items look like Header:value, param==value, field=value, field:=json or field@file');
    addItem(out, item, form);
  }
  return out;
}

function addItem(out: ItemRequest, item: Item, form: boolean): void {
  const { key, value, sep } = item;
  switch (sep) {
    case ':':
      // `Header:` with nothing after it removes a session header, as in HTTPie.
      out.headers[key] = value === '' ? null : value.trimStart();
      return;
    case ';':
      out.headers[key] = '';
      return;
    case '==':
      out.params.push([key, value]);
      return;
    case '=':
      out.data[key] = value;
      break;
    case '=@':
      out.data[key] = readText(item, value);
      break;
    case ':=':
      if (form) throw new UsageError(`${JSON.stringify(item.raw)}: raw JSON (:=) cannot go in a --form body`, 'use field=value with --form');
      out.data[key] = parseJson(item, value);
      break;
    case ':=@':
      if (form) throw new UsageError(`${JSON.stringify(item.raw)}: raw JSON (:=@) cannot go in a --form body`, 'use field=@file with --form');
      out.data[key] = parseJson(item, readText(item, value));
      break;
    case '@':
      out.files[key] = fileValue(item, value);
      break;
  }
  out.hasData = true;
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

/** The multipart body of form fields and files. */
export function multipartOf(items: ItemRequest): MultipartInit {
  const parts: Record<string, MultipartValue> = {};
  for (const [k, v] of Object.entries(items.data)) parts[k] = String(v);
  return { ...parts, ...items.files };
}
