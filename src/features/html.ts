/**
 * htmlparser2, loaded on first use: only CSRF learning and login forms parse HTML, and importing the
 * parser up front would add about 40 ms to every program's start-up.
 */
let loading: Promise<typeof import('htmlparser2')> | undefined;

export function htmlParser(): Promise<typeof import('htmlparser2')> {
  return (loading ??= import('htmlparser2'));
}
