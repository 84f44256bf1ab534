// A worker process of bench/fleet.ts: one session (shared through Redis, or its own), one timed job,
// its result as JSON on stdout. Started by the parent, released by a line on stdin.
//   throughput: GET /api/data, `concurrency` at a time, for `ms`; prints how many succeeded.
//   recover: the same loop; prints [sent, done] (Date.now) of every successful request, so the parent
//   can tell when each process first succeeded with a request sent after an expiry.
import { pathToFileURL } from 'node:url';

interface Job {
  mode: 'throughput' | 'recover';
  module: string;
  app: string;
  redis?: string;
  name: string;
  ms: number;
  concurrency: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const sessio = (await import(pathToFileURL(job.module).href)) as typeof import('../src/index.js');
const { redisState } = (await import(pathToFileURL(job.module.replace(/index\.(js|ts)$/, 'redis.$1')).href)) as typeof import('../src/redis.js');
const s = new sessio.Session({
  baseUrl: job.app,
  login: sessio.formLogin({ url: '/login', username: 'svc', password: 'pw' }),
  ...(job.redis && { shared: redisState({ name: job.name, url: job.redis, timeout: 10_000 }) }),
});
// Logged in by the first request, as a worker would be: with a shared session one process logs in for all.
await (await s.get('/api/data')).cancel();
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.destroy();

const end = Date.now() + job.ms;
const ok: [number, number][] = [];
let failed = 0;
await Promise.all(Array.from({ length: job.concurrency }, async () => {
  while (Date.now() < end) {
    const sent = Date.now();
    const res = await s.get('/api/data');
    const body = res.ok ? await res.json<{ user?: string }>() : (await res.cancel(), undefined);
    if (body?.user === 'svc') ok.push([sent, Date.now()]);
    else failed++;
  }
}));
process.stdout.write(`${JSON.stringify(job.mode === 'throughput' ? { ok: ok.length, failed } : { ok, failed })}\n`);
await s.close();
