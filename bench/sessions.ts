/**
 * Many sessions, one pool: N sessions forked from one configured session (form login + CSRF on the
 * bench server's /app), each logging in and making 10 requests (9 GETs of /app/me, 1 POST with the
 * CSRF header), a bounded number of sessions at a time, in one process.
 *   SESSIO_SOURCE=dist node --import tsx bench/sessions.ts [--sessions=10000] [--quick]
 * Reports: requests that succeeded, sockets opened and the most open at once (against the pool size),
 * and heap per idle session after a full GC, with the share of its cookie jar measured apart.
 */
import { sessioUrl } from './index.js';
import { gc } from './measure.js';
import { startServers } from './servers.js';
import type { SessioModule } from './clients.js';

const POOL = 32;
const CONCURRENT_SESSIONS = 64;
const REQUESTS_PER_SESSION = 10;
const MAX_MS = 300_000;
const SAMPLE_MS = 20;

function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
}

export interface SessionsResult {
  sessions: number;
  requests: number;
  succeeded: number;
  failures: string[];
  wallMs: number;
  socketsOpened: number;
  mostOpen: number;
  pool: number;
  heapPerSession: number;
  heapPerJar: number;
}

export async function runSessions(n: number, source: 'dist' | 'src' = process.env.SESSIO_SOURCE === 'dist' ? 'dist' : 'src'): Promise<SessionsResult> {
  const sessio = (await import(sessioUrl(source))) as SessioModule;
  const servers = await startServers();
  const origin = servers.httpOrigin;
  const base = new sessio.Session({ baseUrl: origin, csrf: 'spring', pool: { connections: POOL, keepAliveTimeout: 60_000 } });
  let mostOpen = 0;
  const sampler = setInterval(() => (mostOpen = Math.max(mostOpen, base.stats()[origin]?.open ?? 0)), SAMPLE_MS);
  const failures: string[] = [];
  let succeeded = 0;
  const t0 = performance.now();
  const before = heap();
  const all: InstanceType<SessioModule['Session']>[] = [];
  try {
    let next = 0;
    const worker = async () => {
      while (next < n && performance.now() - t0 < MAX_MS) {
        const i = next++;
        const user = `user${i}`;
        const s = base.fork({ login: sessio.formLogin({ url: '/app/login', username: user, password: 'secret' }) });
        all.push(s);
        try {
          await s.login();
          for (let r = 0; r < REQUESTS_PER_SESSION; r++) {
            const res = r === REQUESTS_PER_SESSION - 1 ? await s.post('/app/items', { json: { n: r } }) : await s.get('/app/me');
            const body = await res.json<{ user?: string }>();
            if (res.status >= 300 || body.user !== user) throw new Error(`${user}: ${res.status} ${JSON.stringify(body)}`);
            succeeded++;
          }
        } catch (err) {
          if (failures.length < 5) failures.push(String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_SESSIONS }, worker));
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    const withSessions = heap();
    // The same cookies in bare jars: what of a session's heap is its cookies.
    const jars = all.map((s) => {
      const jar = new sessio.CookieJar();
      for (const c of s.cookies.getCookies(new URL(origin))) jar.setCookie(`${c.name}=${c.value}; Path=${c.path}${c.httpOnly ? '; HttpOnly' : ''}`, new URL(origin));
      return jar;
    });
    const withJars = heap();
    const stats = base.stats()[origin];
    jars.length = 0;
    return {
      sessions: all.length,
      requests: all.length * REQUESTS_PER_SESSION,
      succeeded,
      failures,
      wallMs,
      socketsOpened: stats?.connections ?? 0,
      mostOpen,
      pool: POOL,
      heapPerSession: (withSessions - before) / all.length,
      heapPerJar: (withJars - withSessions) / all.length,
    };
  } finally {
    clearInterval(sampler);
    await Promise.all(all.map((s) => s.close()));
    await base.close();
    await servers.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv.includes('--quick') ? 200 : arg('sessions', 10_000);
  const r = await runSessions(n);
  const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`;
  console.log([
    `| measure | value |`,
    '| --- | --- |',
    `| sessions (forks of one, form login + CSRF, ${REQUESTS_PER_SESSION} requests each, ${CONCURRENT_SESSIONS} at a time) | ${r.sessions} |`,
    `| requests that succeeded | ${r.succeeded} of ${r.requests}${r.failures.length ? ` (first failures: ${r.failures.join('; ')})` : ''} |`,
    `| time | ${(r.wallMs / 1000).toFixed(1)} s |`,
    `| sockets opened / most open at once / pool size | ${r.socketsOpened} / ${r.mostOpen} / ${r.pool} |`,
    `| heap per idle session (after GC) | ${kb(r.heapPerSession)} |`,
    `| of which its cookies (the same cookies in a bare jar) | ${kb(r.heapPerJar)} |`,
    `| heap per idle session beyond its cookies | ${kb(r.heapPerSession - r.heapPerJar)} |`,
  ].join('\n'));
  if (r.succeeded !== r.requests || r.mostOpen > r.pool) process.exitCode = 1;
}
