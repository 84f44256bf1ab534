// The logins `sessio login` can make, as saved records and back: flags → LoginRecord (non-secret options
// only) → the library's formLogin, jwtLogin, clientCredentials or passwordGrant in a later run.
import { clientCredentials, formLogin, isSecretField, jwtLogin, passwordGrant, refreshTokenGrant, type LoginKind, type LoginRecord, type LoginRecordOptions, type LoginStrategy } from '../index.js';
import type { Values } from './args.js';
import { UsageError } from './errors.js';

/** Environment variable read for an OAuth 2 client secret. */
export const CLIENT_SECRET_ENV = 'SESSIO_CLIENT_SECRET';

/** The secrets of a login, from the saved record (opt-in), the environment, stdin or a prompt. */
export interface LoginSecrets {
  password?: string | undefined;
  clientSecret?: string | undefined;
}

/** Flags that only some kinds take; each is checked against the kind before anything is sent. */
const KIND_FLAGS: Record<string, readonly LoginKind[]> = {
  'username-field': ['form', 'jwt'],
  'password-field': ['form', 'jwt'],
  'token-path': ['jwt'],
  'token-header': ['jwt'],
  'refresh-token-path': ['jwt'],
  'refresh-url': ['jwt'],
  scheme: ['jwt'],
  'client-id': ['client-credentials', 'password-grant'],
  'client-auth': ['client-credentials', 'password-grant'],
  'client-secret-stdin': ['client-credentials', 'password-grant'],
  scope: ['client-credentials', 'password-grant'],
  param: ['client-credentials', 'password-grant'],
  'refresh-before-seconds': ['jwt', 'client-credentials', 'password-grant'],
};

/** Whether the kind is an OAuth 2 grant (and so has a client). */
export function isOAuth(kind: LoginKind): boolean {
  return kind === 'client-credentials' || kind === 'password-grant';
}

/** Whether the kind logs in as a user (and so needs --user and a password). */
export function hasUser(kind: LoginKind): boolean {
  return kind !== 'client-credentials';
}

/** The record `sessio login KIND URL …` saves: the URL and every non-secret option the flags gave. */
export function loginRecord(kind: LoginKind, url: string, v: Values): LoginRecord {
  checkFlags(kind, url, v);
  const options = recordOptions(url, v);
  return { ...(kind !== 'form' && { kind }), url, ...(v.user && { username: v.user }), ...(v.csrf && { csrf: v.csrf }), ...(Object.keys(options).length && { options }) };
}

/** Refuses flags of another kind of login, and a login without what it needs, before anything is sent. */
function checkFlags(kind: LoginKind, url: string, v: Values): void {
  for (const [flag, kinds] of Object.entries(KIND_FLAGS)) {
    if (v[flag as keyof Values] !== undefined && !kinds.includes(kind)) throw new UsageError(`--${flag} is for sessio login ${kinds.join('|')}`, `not for a ${kind} login`);
  }
  if (hasUser(kind) && !v.user) throw new UsageError(`a ${kind} login needs --user NAME`, `e.g. sessio login ${kind === 'form' ? '' : `${kind} `}${url} --user alice`);
  if (!hasUser(kind) && v.user) throw new UsageError('a client-credentials login has no --user: the client logs in as itself', 'give --client-id (and the secret in $SESSIO_CLIENT_SECRET)');
  if (isOAuth(kind) && !v['client-id']) throw new UsageError(`a ${kind} login needs --client-id ID`, `e.g. sessio login ${kind} ${url} --client-id app`);
  if (v['client-auth'] !== undefined && v['client-auth'] !== 'basic' && v['client-auth'] !== 'post') throw new UsageError(`--client-auth ${JSON.stringify(v['client-auth'])}: use basic or post`);
}

/** Flags whose value is saved as it is, under the library option's name. */
const STRING_OPTIONS = {
  'username-field': 'usernameField', 'password-field': 'passwordField', 'token-path': 'tokenPath', 'token-header': 'tokenHeader',
  'refresh-token-path': 'refreshTokenPath', 'refresh-url': 'refreshUrl', scheme: 'scheme', 'client-id': 'clientId', 'client-auth': 'clientAuth',
} as const;

function recordOptions(url: string, v: Values): LoginRecordOptions {
  const options: LoginRecordOptions = {};
  for (const [flag, key] of Object.entries(STRING_OPTIONS)) {
    const value = v[flag as keyof typeof STRING_OPTIONS];
    if (value !== undefined) (options as Record<string, string>)[key] = value;
  }
  if (v.scope?.length) options.scope = v.scope.join(' ');
  if (v.param?.length) options.params = params(v.param);
  if (v.origin?.length) options.origins = v.origin.map((o) => originOf(o, '--origin'));
  if (v['refresh-before-seconds'] !== undefined) options.refreshBeforeSeconds = seconds(v['refresh-before-seconds']);
  // The CLI session has no base URL: a relative --refresh-url is relative to the login URL.
  if (options.refreshUrl !== undefined) options.refreshUrl = absolute(options.refreshUrl, url);
  return options;
}

function params(list: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${JSON.stringify(p.replace(/=.*/s, '=…'))} is not NAME=VALUE`, 'e.g. --param audience=https://api.example.com');
    const name = p.slice(0, eq);
    // --param values are saved as plain options: a secret (client_assertion, a password) must not be one.
    if (isSecretField(name) || /assertion|secret/i.test(name)) throw new UsageError(`--param ${name}: a secret cannot be given as a --param, which the session file keeps in clear`, 'give a client secret in $SESSIO_CLIENT_SECRET');
    out[name] = p.slice(eq + 1);
  }
  return { ...out };
}

function originOf(value: string, flag: string): string {
  try {
    const u = new URL(value.includes('://') ? value : `http://${value}`);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
  } catch { /* reported below */ }
  throw new UsageError(`${flag} ${JSON.stringify(value)} is not an http(s) URL`, 'e.g. https://api.example.com');
}

function absolute(value: string, base: string): string {
  try {
    const u = new URL(value, base);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch { /* reported below */ }
  throw new UsageError(`--refresh-url ${JSON.stringify(value)} is not an http(s) URL`, 'e.g. --refresh-url /auth/refresh');
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new UsageError(`--refresh-before-seconds ${JSON.stringify(value)} is not a number of seconds`, 'e.g. --refresh-before-seconds 60');
  return n;
}

/**
 * The library login for a saved record, or undefined when a form login has no password (its state
 * is the session cookie, which needs no login object). A token login is always built, so that its
 * saved tokens are used; without the secrets it can still refresh but not log in again.
 * `refreshToken` is the saved one, for a password grant that has no password at hand.
 */
export function loginStrategy(record: LoginRecord, secrets: LoginSecrets, refreshToken?: string): LoginStrategy | undefined {
  const o = record.options ?? {};
  const common = {
    ...(o.origins && { origins: o.origins }),
    ...(o.refreshBeforeSeconds !== undefined && { refreshBeforeSeconds: o.refreshBeforeSeconds }),
  };
  const { password, clientSecret } = secrets;
  switch (record.kind ?? 'form') {
    case 'form':
      if (password === undefined) return undefined;
      return formLogin({ url: record.url, username: record.username!, password, ...pick(o, 'usernameField', 'passwordField'), ...(o.origins && { origins: o.origins }) });
    case 'jwt':
      return jwtLogin({ url: record.url, ...(record.username !== undefined && { username: record.username }), ...(password !== undefined && { password }), ...common,
        ...pick(o, 'usernameField', 'passwordField', 'tokenPath', 'tokenHeader', 'refreshTokenPath', 'refreshUrl', 'scheme') });
  }
  const client = { tokenUrl: record.url, clientId: o.clientId ?? '', ...(clientSecret !== undefined && { clientSecret }), ...common, ...pick(o, 'clientAuth', 'scope', 'params') };
  if (record.kind === 'client-credentials') return clientCredentials(client);
  if (password === undefined) return refreshTokenGrant({ ...client, refreshToken: refreshToken ?? '' });
  return passwordGrant({ ...client, username: record.username!, password });
}

function pick<K extends keyof LoginRecordOptions>(o: LoginRecordOptions, ...keys: K[]): Pick<LoginRecordOptions, K> {
  const out: Partial<LoginRecordOptions> = {};
  for (const k of keys) if (o[k] !== undefined) (out as Record<K, unknown>)[k] = o[k];
  return out as Pick<LoginRecordOptions, K>;
}

/** What is missing for a full login again (for the hint after an expired token): none when complete. */
export function missingSecrets(record: LoginRecord, secrets: LoginSecrets): string[] {
  const kind = record.kind ?? 'form';
  const missing: string[] = [];
  if (hasUser(kind) && secrets.password === undefined) missing.push('SESSIO_PASSWORD');
  // A secret was given at login (clientAuth is recorded only then), so the token endpoint expects one.
  if (isOAuth(kind) && record.options?.clientAuth !== undefined && secrets.clientSecret === undefined) missing.push(CLIENT_SECRET_ENV);
  return missing;
}
