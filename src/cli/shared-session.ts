// `--session redis://host:6379/NAME`: the named session lives in Redis (sessio/redis), shared with
// every process and machine that names it, instead of in a file.
import { UsageError } from './errors.js';

const SHARED = /^rediss?:\/\//i;

/** Whether a `--session` value names a shared session on Redis. */
export function isSharedSession(value: string): boolean {
  return SHARED.test(value);
}

/**
 * The Redis URL and the session name of `redis://[user:pass@]host:port[/db]/NAME`: the last path
 * segment is the name, a number before it the database.
 */
export function parseSharedSession(value: string): { url: string; name: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--session: not a valid redis:// URL', 'e.g. --session redis://127.0.0.1:6379/crm-prod');
  }
  const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const name = segments.pop();
  if (name === undefined || segments.length > 1 || (segments.length === 1 && !/^\d+$/.test(segments[0]!))) {
    throw new UsageError('--session redis://…: give the session name as the last path segment', 'e.g. --session redis://127.0.0.1:6379/crm-prod (or /2/crm-prod for database 2)');
  }
  url.pathname = segments.length ? `/${segments[0]}` : '';
  url.search = '';
  url.hash = '';
  return { url: url.href, name };
}
