// TEMPORARY stand-in until src/cookies lands; host-only, path-prefix matching only.
export class CookieJar {
  #c = new Map<string, { name: string; value: string; host: string; path: string }>();
  setCookie(str: string, url: string | URL): unknown {
    const u = typeof url === 'string' ? new URL(url) : url;
    const [pair = ''] = str.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return undefined;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const pathM = /;\s*path=([^;]*)/i.exec(str);
    const path = pathM?.[1] ?? '/';
    const key = `${u.hostname}|${path}|${name}`;
    if (/max-age=0/i.test(str)) this.#c.delete(key);
    else this.#c.set(key, { name, value, host: u.hostname, path });
    return true;
  }
  getCookieHeader(url: string | URL): string {
    const u = typeof url === 'string' ? new URL(url) : url;
    const out: string[] = [];
    for (const c of this.#c.values()) if (c.host === u.hostname && u.pathname.startsWith(c.path)) out.push(`${c.name}=${c.value}`);
    return out.join('; ');
  }
  getCookies(url: string | URL): { name: string; value: string }[] {
    const u = typeof url === 'string' ? new URL(url) : url;
    return [...this.#c.values()].filter((c) => c.host === u.hostname);
  }
  toJSON(): unknown {
    return [...this.#c.values()];
  }
}
