// A fleet of worker processes on one login (sessio/redis) vs each with its own session, against the
// fleet tests' Spring-like app (form login + CSRF, session ids renewed at login):
//   1. requests/s of 4 processes sharing one session vs 4 processes with a local session each;
//   2. time from the server expiring every session to all 4 processes succeeding again, and the
//      number of logins the server counted for it (1 per expiry: one process logs in for all).
// `npm run build && npx tsx bench/fleet.ts [reps] [ms]`; needs redis-server (Debian's). Bounded: every
// worker runs `ms` and is killed after a minute.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../test/helpers/redis.js';
import { runFleet } from '../test/shared/fleet-helpers.js';
import { startFleetApp } from '../test/shared/fixtures/fleet-app.js';
import { TS_CHILD_ARGV } from './child-argv.js';
import { spread } from './measure.js';

const REPS = Number(process.argv[2] ?? 3);
const MS = Number(process.argv[3] ?? 3000);
const PROCESSES = 4;
const CONCURRENCY = 8;
const EXPIRIES = 6;
const MODULE = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

/** `PROCESSES` workers of bench/fleet-worker.ts, released together; each is killed after a minute. */
async function fleet<T>(job: Record<string, unknown>, during?: () => Promise<void>): Promise<T[]> {
  return (await runFleet(PROCESSES, job, { script: [...TS_CHILD_ARGV, WORKER], killAfterMs: 60_000, ...(during && { during }) })) as T[];
}

const app = await startFleetApp();
const redis = await startRedis();
const base = { module: MODULE, app: app.url, concurrency: CONCURRENCY };
try {
  // 1. Throughput, the two kinds alternating so that load drifts hit both.
  const rates: Record<'local' | 'shared', number[]> = { local: [], shared: [] };
  const ratios: number[] = [];
  const logins: Record<'local' | 'shared', number[]> = { local: [], shared: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const r: Record<string, number> = {};
    for (const kind of rep % 2 ? (['shared', 'local'] as const) : (['local', 'shared'] as const)) {
      const before = app.stats.logins;
      app.seen.length = 0;
      const out = await fleet<{ ok: number; failed: number }>({ ...base, mode: 'throughput', ms: MS, name: `tp-${rep}`, ...(kind === 'shared' && { redis: redis.url }) });
      if (out.some((o) => o.failed)) throw new Error(`${kind}: failed requests`);
      r[kind] = out.reduce((n, o) => n + o.ok, 0) / (MS / 1000);
      rates[kind].push(r[kind]!);
      logins[kind].push(app.stats.logins - before);
    }
    ratios.push(r.shared! / r.local!);
  }
  // 2. Recovery after each expiry (one fleet, EXPIRIES expiries a second apart).
  const expiries: { at: number; loginsBefore: number }[] = [];
  const results = await fleet<{ ok: [number, number][] }>({ ...base, mode: 'recover', ms: (EXPIRIES + 1) * 1000, name: 'recover', redis: redis.url }, async () => {
    for (let i = 0; i < EXPIRIES; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      app.seen.length = 0;
      expiries.push({ at: Date.now(), loginsBefore: app.stats.logins });
      app.expireSessions();
    }
  });
  const recovery = expiries.map(({ at }) => Math.max(...results.map((w) => Math.min(...w.ok.filter(([sent]) => sent >= at).map(([, done]) => done)))) - at);
  const perExpiry = expiries.map((e, i) => (expiries[i + 1]?.loginsBefore ?? app.stats.logins) - e.loginsBefore);

  const fmt = (s: { median: number; min: number; max: number }, d = 0) => `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
  console.log(`| ${PROCESSES} processes × ${CONCURRENCY} in flight, GET /api/data | requests/s, median (min–max) | logins per run |\n| --- | --- | --- |`);
  for (const kind of ['local', 'shared'] as const) console.log(`| ${kind === 'local' ? 'a local session each' : 'one shared session (sessio/redis)'} | ${fmt(spread(rates[kind]))} | ${logins[kind].join(', ')} |`);
  console.log(`\nshared / local requests/s: median ${fmt(spread(ratios), 2)}×; ${REPS} reps × ${MS} ms`);
  const rec = spread(recovery);
  const sorted = [...recovery].sort((a, b) => a - b);
  console.log(`expiry → all ${PROCESSES} processes succeeding again: median ${rec.median.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${EXPIRIES} expiries; logins per expiry: ${perExpiry.join(', ')}`);
  console.log(`load average ${os.loadavg()[0]!.toFixed(1)}, ${os.cpus().length} cores`);
} finally {
  await app.close();
  await redis.close();
}
