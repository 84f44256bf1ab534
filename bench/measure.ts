/** Load generation and statistics: a bounded run of operations with a fixed number in flight, timed and CPU-metered. */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One measured run of one client. */
export interface Sample {
  /** Operations completed (fewer than asked when the time bound hit first). */
  completed: number;
  wallMs: number;
  /** Client-process CPU (user + system) for the run, in microseconds. */
  cpuUs: number;
}

/** Median, minimum and maximum of a list of numbers. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

v8.setFlagsFromString('--expose-gc');
// A collection between runs keeps one client's garbage from being billed to the next one.
export const gc = runInNewContext('gc') as () => void;

/**
 * Runs `op` up to `count` times with `inFlight` operations outstanding, stopping early once `maxMs`
 * has passed. The first failure stops the run and is thrown. `collect` (default true) runs a full GC
 * first, for benches that measure several clients in one process; a client alone in its process
 * (bench/client-worker.ts) passes false, since a forced full GC makes the next few hundred
 * operations of every client 2–3× dearer (bench/perf-notes.md), which is not what it costs in use.
 */
export async function measure(op: () => Promise<void>, count: number, inFlight: number, maxMs: number, collect = true): Promise<Sample> {
  if (collect) gc();
  let started = 0;
  let completed = 0;
  let failure: unknown;
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  const cpu0 = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (failure === undefined && started < count && performance.now() < deadline) {
      started++;
      try {
        await op();
        completed++;
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  if (failure !== undefined) throw failure;
  return { completed, wallMs, cpuUs: cpu.user + cpu.system };
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Rotates the list by `n`, so each repetition starts with a different client. */
export function rotate<T>(items: readonly T[], n: number): T[] {
  const k = n % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
