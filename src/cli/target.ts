import { UsageError } from './errors.js';

/**
 * Expands HTTPie's URL shorthands: `:8080/path` is `http://localhost:8080/path`, `:/p` is
 * `http://localhost/p`, and a URL without a scheme gets `http://`. A path starting with `/` stays
 * relative, for a session that has a base URL.
 */
export function expandUrl(input: string): string {
  if (input === '') throw new UsageError('the URL is empty', 'e.g. sessio :8080/api or sessio example.org/api');
  const local = /^:(\d*)(\/.*)?$/.exec(input);
  if (local) return `http://localhost${local[1] ? `:${local[1]}` : ''}${local[2] ?? '/'}`;
  if (input.startsWith('/')) return input;
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(input)) return input;
  return `http://${input}`;
}
