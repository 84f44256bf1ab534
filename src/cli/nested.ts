// HTTPie 3's nested JSON keys (https://httpie.io/docs/cli/nested-json): `a[b]=c`, `a[]:=1`,
// `a[0][k]=v`, `[]:=1` for a top-level array. Same grammar, results and error texts as HTTPie's
// httpie/cli/nested_json.py, so a command line builds the same body with either CLI; errors are one
// line with the position instead of HTTPie's caret line.
import { UsageError } from './errors.js';

type TokenKind = 'text' | 'number' | '[' | ']';
interface Token {
  kind: TokenKind;
  value: string | number;
  start: number;
}
type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'append' };

const NAMES: Record<TokenKind, string> = { text: 'a text', number: 'a number', '[': "'['", ']': "']'" };

/** `\[`, `\]` and `\\` are literal; a number not preceded by a backslash is an index. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let buffer = '';
  let escaped = false;
  let start = 0;
  const flush = (end: number) => {
    if (buffer === '' && !escaped) return;
    const escapedInt = !escaped && /^\\-?\d+$/.test(buffer);
    const kind = !escaped && /^-?\d+$/.test(buffer) ? 'number' : 'text';
    tokens.push({ kind, value: kind === 'number' ? Number(buffer) : escapedInt ? buffer.slice(1) : buffer, start });
    buffer = '';
    escaped = false;
    start = end;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '[' || ch === ']') {
      flush(i);
      tokens.push({ kind: ch, value: ch, start: i });
      start = i + 1;
    } else if (ch === '\\' && i + 1 < source.length && '[]\\'.includes(source[i + 1]!)) {
      if (buffer === '' && !escaped) start = i;
      buffer += source[++i];
      escaped = true;
    } else {
      if (buffer === '' && !escaped) start = i;
      buffer += ch;
    }
  }
  flush(source.length);
  return tokens;
}

function syntaxError(source: string, at: number, expected: TokenKind[]): UsageError {
  const names = expected.map((k) => NAMES[k]);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return new UsageError(`HTTPie Syntax Error: Expecting ${list} in ${JSON.stringify(source)} at character ${at + 1}`, 'see "nested JSON" in sessio --help');
}

/** The path of a nested key: a root (key, index or append) and then `[key]`, `[N]` or `[]` steps. */
export function parsePath(source: string): Step[] {
  const tokens = tokenize(source);
  let i = 0;
  const expect = (...kinds: TokenKind[]): Token => {
    const t = tokens[i++];
    if (t && kinds.includes(t.kind)) return t;
    throw syntaxError(source, t ? t.start : source.length, kinds);
  };
  if (tokens.length === 0) return [{ kind: 'key', key: '' }];
  const steps: Step[] = [];
  const first = expect('text', 'number', '[');
  if (first.kind !== '[') steps.push({ kind: 'key', key: String(first.value) });
  else {
    const t = expect('number', ']');
    if (t.kind === ']') steps.push({ kind: 'append' });
    else {
      steps.push(indexStep(source, t));
      expect(']');
    }
  }
  while (i < tokens.length) {
    expect('[');
    const t = expect('text', 'number', ']');
    if (t.kind === ']') steps.push({ kind: 'append' });
    else {
      steps.push(t.kind === 'number' ? indexStep(source, t) : { kind: 'key', key: String(t.value) });
      expect(']');
    }
  }
  return steps;
}

function indexStep(source: string, t: Token): Step {
  if ((t.value as number) < 0) throw new UsageError(`HTTPie Value Error: Negative indexes are not supported (${JSON.stringify(source)})`, 'use [] to append, or an index from 0');
  return { kind: 'index', index: t.value as number };
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v;
}

function describe(steps: Step[], upTo: number): string {
  return steps.slice(0, upTo).map((s, i) => s.kind === 'key' ? (i === 0 ? s.key : `[${s.key}]`) : s.kind === 'index' ? `[${s.index}]` : '[]').join('');
}

const empty = (s: Step): unknown => (s.kind === 'key' ? Object.create(null) : []);

/** Arrays that sessio made from a repeated plain key (`a=1 a=2`), as opposed to a value given as one. */
const REPEATS = new WeakSet<unknown[]>();

/**
 * A plain key given again collects its values in an array, so none is lost. HTTPie 3 keeps only the
 * last one (`{"a": "2"}`); sessio deliberately differs (--help says so); `a[]=` builds arrays in both.
 */
function repeated(previous: unknown, value: unknown): unknown[] {
  if (Array.isArray(previous) && REPEATS.has(previous)) {
    previous.push(value);
    return previous;
  }
  const list = [previous, value];
  REPEATS.add(list);
  return list;
}

/** Sets `value` at `key`'s path in `context` (created on first use); returns the new context. */
function interpret(context: unknown, key: string, value: unknown): unknown {
  const steps = parsePath(key);
  const root = context ?? empty(steps[0]!);
  let cursor: unknown = root;
  steps.forEach((step, n) => {
    const last = n === steps.length - 1;
    const wanted = step.kind === 'key' ? 'object' : 'array';
    if (typeName(cursor) !== wanted) {
      throw new UsageError(`HTTPie Type Error: Can't perform '${step.kind}' based access on '${describe(steps, n)}' which has a type of '${typeName(cursor)}' but this operation requires a type of '${wanted}'.`, `in ${JSON.stringify(key)}`);
    }
    const next = last ? value : empty(steps[n + 1]!);
    if (step.kind === 'key') {
      const obj = cursor as Record<string, unknown>;
      const had = Object.prototype.hasOwnProperty.call(obj, step.key);
      if (last && had && n === 0 && steps.length === 1) obj[step.key] = repeated(obj[step.key], next);
      else if (last || !had) obj[step.key] = next;
      cursor = obj[step.key];
    } else if (step.kind === 'index') {
      const arr = cursor as unknown[];
      // Bounded by the index typed on the command line; holes are null, as HTTPie's.
      while (arr.length <= step.index) arr.push(null);
      if (last || arr[step.index] === null) arr[step.index] = next;
      cursor = arr[step.index];
    } else {
      (cursor as unknown[]).push(next);
      cursor = next;
    }
  });
  return root;
}

/** The JSON body of `key`/value pairs in command-line order: an object, or an array for `[]`/`[N]` roots. */
export function nestedJson(pairs: readonly (readonly [string, unknown])[]): unknown {
  let context: unknown;
  for (const [key, value] of pairs) context = interpret(context, key, value);
  return plain(context ?? {});
}

/** Null-prototype objects (safe for `__proto__` keys) turned into ordinary ones for JSON.stringify. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: plain((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
