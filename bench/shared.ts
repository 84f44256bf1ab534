// Shared session (sessio/redis) vs a local one on the keep-alive GET case: client CPU per request.
// `npx tsx bench/shared.ts [requests] [reps]`; needs redis-server (Debian's). The HTTP server runs
// in a child process so its CPU is not counted; Redis is its own process too.
import { spawn } from 'node:child_process';
import { Session } from '../src/index.js';
import { redisState } from '../src/redis.js';
import { startRedis } from '../test/helpers/redis.js';
import { measure, rotate, spread } from './measure.js';

const REQUESTS = Number(process.argv[2] ?? 4000);
const REPS = Number(process.argv[3] ?? 7);
const IN_FLIGHT = 16;

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const server = await startServer();
const redis = await startRedis();
const clients: Record<string, Session> = {
  local: new Session({ baseUrl: server.url }),
  shared: new Session({ baseUrl: server.url, shared: redisState({ url: redis.url, name: 'bench' }) }),
};
const op = (s: Session) => async () => {
  const body = await (await s.get('/json')).json<{ ok: boolean }>();
  if (!body.ok) throw new Error('bad body');
};
for (const s of Object.values(clients)) await measure(op(s), 2000, IN_FLIGHT, 30_000); // warm-up (and the shared one's connect)
const perRequest: Record<string, number[]> = { local: [], shared: [] };
const ratios: number[] = [];
for (let rep = 0; rep < REPS; rep++) {
  const us: Record<string, number> = {};
  for (const name of rotate(Object.keys(clients), rep)) {
    const sample = await measure(op(clients[name]!), REQUESTS, IN_FLIGHT, 60_000);
    us[name] = sample.cpuUs / sample.completed;
    perRequest[name]!.push(us[name]!);
  }
  ratios.push(us.shared! / us.local!);
}
for (const s of Object.values(clients)) await s.close();
server.stop();
await redis.close();
const fmt = (v: number) => v.toFixed(1);
const r = spread(ratios);
console.log(`| client | CPU µs/request (median, min–max) |\n| --- | --- |`);
for (const [name, v] of Object.entries(perRequest)) {
  const sp = spread(v);
  console.log(`| ${name} | ${fmt(sp.median)} (${fmt(sp.min)}–${fmt(sp.max)}) |`);
}
console.log(`\nshared / local CPU per request: median ${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}), target ≤ 1.2×; ${REPS} reps × ${REQUESTS} requests, ${IN_FLIGHT} in flight; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
