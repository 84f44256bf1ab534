/**
 * Memory case, run in its own process (with --expose-gc, so heap figures are after a full collection
 * and no other client's garbage is in them):
 * - many requests through one session: heap and RSS after warm-up and at the end;
 * - a burst of requests issued at once over a pool of 16 connections: all must succeed; peak heap.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SessioModule } from './clients.js';
import { runJsonChild, TS_CHILD_ARGV } from './child-argv.js';

export interface MemoryPlan {
  total: number;
  warm: number;
  burst: number;
  inFlight: number;
}

export interface MemoryResult {
  total: number;
  completed: number;
  heapAfterWarmMB: number;
  heapEndMB: number;
  rssAfterWarmMB: number;
  rssEndMB: number;
  heapGrowthMB: number;
  rssGrowthMB: number;
  /** Connections the session opened for the long run. */
  connections: number;
  /** Heap and RSS (MB, after GC) at even steps from the end of the warm-up to the end: a leak climbs, noise does not. */
  checkpoints: { requests: number; heapMB: number; rssMB: number }[];
  burst: number;
  burstSucceeded: number;
  burstConnections: number;
  burstPeakHeapMB: number;
  burstPeakRssMB: number;
  burstWallMs: number;
}

const MB = 1024 * 1024;
const CHECKPOINTS = 5;
const CHILD_TIMEOUT_MS = 300_000;

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory case needs --expose-gc');
  gc();
  gc();
  return process.memoryUsage();
}

async function checkedGet(s: InstanceType<SessioModule['Session']>): Promise<void> {
  const r = await s.get('/json');
  const body = await r.json<{ cookies?: number }>();
  if (r.status !== 200 || body.cookies !== 2) throw new Error(`memory case: unexpected reply ${r.status} ${JSON.stringify(body)}`);
}

async function longRun(sessio: SessioModule, origin: string, plan: MemoryPlan) {
  const s = new sessio.Session({ baseUrl: origin });
  await s.get('/prime');
  let next = 0;
  const run = async (until: number) => {
    const worker = async () => {
      while (next < until) {
        next++;
        await checkedGet(s);
      }
    };
    await Promise.all(Array.from({ length: plan.inFlight }, worker));
  };
  await run(plan.warm);
  const warm = collect();
  const checkpoints = [{ requests: next, heapMB: warm.heapUsed / MB, rssMB: warm.rss / MB }];
  let end = warm;
  for (let step = 1; step <= CHECKPOINTS; step++) {
    await run(plan.warm + Math.round(((plan.total - plan.warm) * step) / CHECKPOINTS));
    end = collect();
    checkpoints.push({ requests: next, heapMB: end.heapUsed / MB, rssMB: end.rss / MB });
  }
  const stats = Object.values(s.stats());
  await s.close();
  return { warm, end, checkpoints, completed: next, connections: stats.reduce((n, o) => n + o.connections, 0) };
}

async function burstRun(sessio: SessioModule, origin: string, plan: MemoryPlan) {
  const s = new sessio.Session({ baseUrl: origin, pool: { connections: 16 } });
  await s.get('/prime');
  collect();
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  let succeeded = 0;
  await Promise.all(Array.from({ length: plan.burst }, () => checkedGet(s).then(() => {
    if (++succeeded % 250 === 0) sample();
  })));
  const wallMs = performance.now() - t0;
  clearInterval(timer);
  sample();
  const connections = Object.values(s.stats()).reduce((n, o) => n + o.connections, 0);
  await s.close();
  return { succeeded, peakHeap, peakRss, wallMs, connections };
}

async function child(): Promise<void> {
  const { origin, sessioUrl, plan } = JSON.parse(process.argv[2]!) as { origin: string; sessioUrl: string; plan: MemoryPlan };
  const sessio = (await import(sessioUrl)) as SessioModule;
  const long = await longRun(sessio, origin, plan);
  const burst = await burstRun(sessio, origin, plan);
  const result: MemoryResult = {
    total: plan.total,
    completed: long.completed,
    heapAfterWarmMB: long.warm.heapUsed / MB,
    heapEndMB: long.end.heapUsed / MB,
    rssAfterWarmMB: long.warm.rss / MB,
    rssEndMB: long.end.rss / MB,
    heapGrowthMB: (long.end.heapUsed - long.warm.heapUsed) / MB,
    rssGrowthMB: (long.end.rss - long.warm.rss) / MB,
    connections: long.connections,
    checkpoints: long.checkpoints,
    burst: plan.burst,
    burstSucceeded: burst.succeeded,
    burstConnections: burst.connections,
    burstPeakHeapMB: burst.peakHeap / MB,
    burstPeakRssMB: burst.peakRss / MB,
    burstWallMs: burst.wallMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs the memory case in a child process against the bench server at `origin`. */
export function runMemoryCase(origin: string, sessioUrl: string, plan: MemoryPlan): Promise<MemoryResult> {
  const file = fileURLToPath(import.meta.url);
  const args = ['--expose-gc', ...TS_CHILD_ARGV, file, JSON.stringify({ origin, sessioUrl, plan })];
  return runJsonChild<MemoryResult>(args, CHILD_TIMEOUT_MS, 'memory case');
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  child().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
