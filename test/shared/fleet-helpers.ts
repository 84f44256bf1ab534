// Worker processes of the fleet tests (fixtures/worker.ts), started together and released at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let bundled: string | undefined;

/** The worker bundled once per test run: eight processes compiling TypeScript would dominate the test's time. */
function workerScript(): string {
  if (bundled) return bundled;
  // Two folders deep, so the version module finds ../../package.json as from src/core.
  const out = `${ROOT}.tmp/fleet/worker-${process.pid}.mjs`;
  buildSync({ entryPoints: [fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'error' });
  return (bundled = out);
}

export interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  /** The job's JSON result (rejects when the process fails). */
  result: Promise<unknown>;
  go(): void;
}

/** How to run a worker other than fixtures/worker.ts (bench/fleet.ts), and a bound on its life. */
export interface WorkerOptions {
  /** Node arguments before the job's JSON; default: the bundled fixtures/worker.ts. */
  script?: string[];
  /** SIGKILL the worker after this long (default: never; the tests' own timeouts bound them). */
  killAfterMs?: number;
}

export function startWorker(job: Record<string, unknown>, options: WorkerOptions = {}): Worker {
  const child = spawn(process.execPath, [...(options.script ?? [workerScript()]), JSON.stringify(job)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const kill = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<unknown>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      const line = out.split('\n').filter(Boolean)[1];
      if (code === 0 && line) resolve(JSON.parse(line));
      else reject(new Error(`worker exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  result.catch(() => onReady());
  return { child, ready, result, go: () => child.stdin!.write('go\n') };
}

/**
 * Starts `n` workers, waits until each is connected, then releases them all at once; `during` runs
 * while they work (a server expiring sessions under them).
 */
export async function runFleet(n: number, job: Record<string, unknown>, options: WorkerOptions & { during?: () => Promise<void> } = {}): Promise<unknown[]> {
  const workers = Array.from({ length: n }, () => startWorker(job, options));
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    await options.during?.();
    return await Promise.all(workers.map((w) => w.result));
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  }
}

/** The most timestamps (ms) inside any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
