import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { isItem } from './items.js';
import { LOGIN_KINDS, type LoginKind } from '../index.js';


/** Every option of every command; each command checks which ones apply. */
const OPTIONS = {
  session: { type: 'string' },
  form: { type: 'boolean', short: 'f' },
  json: { type: 'boolean', short: 'j' },
  verbose: { type: 'boolean', short: 'v' },
  print: { type: 'string', short: 'p' },
  headers: { type: 'boolean', short: 'h' },
  body: { type: 'boolean', short: 'b' },
  pretty: { type: 'string' },
  curl: { type: 'boolean' },
  har: { type: 'string' },
  'check-status': { type: 'boolean' },
  timeout: { type: 'string' },
  proxy: { type: 'string' },
  verify: { type: 'string' },
  ca: { type: 'string' },
  follow: { type: 'boolean', short: 'F' },
  'max-redirects': { type: 'string' },
  download: { type: 'boolean', short: 'd' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  user: { type: 'string', short: 'u' },
  csrf: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'save-password': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-auth': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  origin: { type: 'string', multiple: true },
  'token-path': { type: 'string' },
  'token-header': { type: 'string' },
  'refresh-token-path': { type: 'string' },
  'refresh-url': { type: 'string' },
  'refresh-before-seconds': { type: 'string' },
  scheme: { type: 'string' },
  'username-field': { type: 'string' },
  'password-field': { type: 'string' },
  auth: { type: 'string', short: 'a' },
  'auth-type': { type: 'string', short: 'A' },
  offline: { type: 'boolean' },
  all: { type: 'boolean' },
  'history-print': { type: 'string', short: 'P' },
  meta: { type: 'boolean', short: 'm' },
  'ignore-stdin': { type: 'boolean', short: 'I' },
  raw: { type: 'string' },
  'session-read-only': { type: 'string' },
  multipart: { type: 'boolean' },
  boundary: { type: 'string' },
  cert: { type: 'string' },
  'cert-key': { type: 'string' },
  'cert-key-pass': { type: 'string' },
  continue: { type: 'boolean', short: 'c' },
  stream: { type: 'boolean', short: 'S' },
  chunked: { type: 'boolean' },
  style: { type: 'string', short: 's' },
  sorted: { type: 'boolean' },
  unsorted: { type: 'boolean' },
  compress: { type: 'boolean', short: 'x', multiple: true },
  'path-as-is': { type: 'boolean' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

export type Values = ReturnType<typeof parse>['values'];

/** Every long option and its short letter, for `sessio completion`. */
export const OPTION_FLAGS: readonly { long: string; short?: string; takesValue: boolean }[] = Object.entries(OPTIONS).map(([long, o]) => ({
  long,
  ...('short' in o && { short: o.short }),
  takesValue: o.type === 'string',
}));

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

/** What the command line asks for. */
export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'request'; values: Values; method: string | undefined; url: string; items: string[] }
  | { kind: 'login'; values: Values; login: LoginKind; url: string }
  | { kind: 'session'; values: Values; action: 'list' | 'show' | 'rm'; name: string | undefined }
  | { kind: 'cookies'; values: Values; action: 'list' | 'import' | 'export'; arg: string | undefined }
  | { kind: 'completion'; shell: 'bash' | 'zsh' };

/** Parses argv (without `node` and the script). */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''), 'see sessio --help');
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError('no URL given', 'e.g. sessio :8080/api, or sessio --help');
  if (first === 'session' && (rest.length === 0 || (rest.length <= 2 && !isItem(rest[0]!) && !rest[0]!.includes('.')))) {
    const action = rest[0] as 'list' | 'show' | 'rm' | undefined;
    if (action === undefined || !['list', 'show', 'rm'].includes(action)) throw new UsageError(`session ${action ?? ''}: expected list, show NAME or rm NAME`.replace('  ', ' '), 'see sessio --help');
    if (action !== 'list' && rest[1] === undefined) throw new UsageError(`session ${action} needs a NAME`, 'see sessio session list');
    return { kind: 'session', values, action, name: rest[1] };
  }
  if (first === 'completion' && rest.length <= 1 && !isItem(rest[0] ?? '')) {
    if (rest[0] !== 'bash' && rest[0] !== 'zsh') throw new UsageError('completion needs a shell: bash or zsh', 'e.g. source <(sessio completion bash)');
    return { kind: 'completion', shell: rest[0] };
  }
  if (first === 'cookies' && rest.length >= 1 && rest.length <= 2 && !isItem(rest[0]!)) return cookiesCommand(values, rest);
  // `login URL` (whatever the URL looks like), or `login KIND URL` (an unknown KIND word is refused);
  // anything else after `login` is HTTPie's method guess, a LOGIN request.
  if (first === 'login' && (rest.length <= 1 || (rest.length === 2 && /^[a-z][a-z-]*$/i.test(rest[0]!) && !isItem(rest[1]!)))) return loginCommand(values, rest);
  // HTTPie's guess: a first word of letters followed by a URL (not an item) is the method.
  if (/^[A-Za-z]+$/.test(first) && rest.length > 0 && !isItem(rest[0]!)) {
    return { kind: 'request', values, method: first.toUpperCase(), url: rest[0]!, items: rest.slice(1) };
  }
  return { kind: 'request', values, method: undefined, url: first, items: rest };
}

/** `sessio login [KIND] URL`: KIND is form (the default), jwt, client-credentials or password-grant. */
function loginCommand(values: Values, rest: string[]): Command {
  const login = rest.length === 2 ? rest[0]! : 'form';
  const url = rest.at(-1);
  if (!LOGIN_KINDS.includes(login as LoginKind)) throw new UsageError(`login ${login}: unknown kind of login`, `use one of ${LOGIN_KINDS.join(', ')}`);
  if (url === undefined || LOGIN_KINDS.includes(url as LoginKind)) throw new UsageError('login needs the URL of the login page or token endpoint', 'e.g. sessio login :8080/login --user alice');
  return { kind: 'login', values, login: login as LoginKind, url };
}

/** `sessio cookies URL`, `sessio cookies import FILE`, `sessio cookies export`. */
function cookiesCommand(values: Values, rest: string[]): Command {
  const [word, arg] = rest;
  if (word === 'import') {
    if (arg === undefined) throw new UsageError('cookies import needs a FILE (cookies.txt or JSON)', 'e.g. sessio cookies import cookies.txt --session work');
    return { kind: 'cookies', values, action: 'import', arg };
  }
  if (word === 'export') {
    if (arg !== undefined) throw new UsageError('cookies export writes to stdout, or to -o FILE', 'e.g. sessio cookies export --session work > cookies.txt');
    return { kind: 'cookies', values, action: 'export', arg: undefined };
  }
  if (arg !== undefined) throw new UsageError(`cookies ${word}: expected URL, import FILE or export`, 'see sessio --help');
  return { kind: 'cookies', values, action: 'list', arg: word };
}
