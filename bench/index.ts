/**
 * The benchmark suite: HTTP cases against the anchor clients, cookie jar, memory and import time, in
 * one run. `runBench({ quick: true })` is the smoke version the tests run.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runJsonChild, TS_CHILD_ARGV } from './child-argv.js';
import { ClientWorker } from './client-worker.js';
import { CLIENTS, sessioClient } from './clients.js';
import { HTTP_CASES, runHttpCase, type CaseResult, type LoadPlan } from './http-cases.js';
import { measureImportTimes } from './import-time.js';
import { runMemoryCase, type MemoryPlan } from './memory.js';
import type { BenchResult, CookieJarRow } from './report.js';
import { startServers } from './servers.js';

/** The cookie-jar case takes about 90 s on a 2-core machine. */
const COOKIE_JAR_TIMEOUT_MS = 600_000;

export interface BenchOptions {
  /** A few hundred requests per client, one repetition: checks that everything works, measures nothing. */
  quick?: boolean;
  /** Which sessio to measure: the built dist/ (what users run; the default) or src/ through tsx. */
  source?: 'dist' | 'src';
  /** Also measure these other builds of sessio (module URLs), as clients `sessio@<folder>`: before/after a change. */
  compareUrls?: readonly string[];
  /** Measured repetitions of each HTTP case (default 8; 1 when quick). */
  repetitions?: number;
  /** Only these cases (ids: get, post, login, https, cookie-jar, memory, import). */
  only?: readonly string[];
  log?: (line: string) => void;
}

const FULL_PLAN: LoadPlan = { count: 6000, warmCount: 1000, repetitions: 8, maxMs: 1200, inFlight: 16 };
// Generous time bound: the smoke test checks that every request completed.
const QUICK_PLAN: LoadPlan = { count: 200, warmCount: 20, repetitions: 1, maxMs: 60_000, inFlight: 16 };
// The warm-up lets V8's young generation and the allocator reach their working size before the baseline.
const FULL_MEMORY: MemoryPlan = { total: 200_000, warm: 40_000, burst: 10_000, inFlight: 16 };
const QUICK_MEMORY: MemoryPlan = { total: 2_000, warm: 500, burst: 500, inFlight: 16 };

/** The module URL of the sessio to measure. */
export function sessioUrl(source: 'dist' | 'src'): string {
  const file = fileURLToPath(new URL(source === 'dist' ? '../dist/index.js' : '../src/index.ts', import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} not found${source === 'dist' ? ': run `npm run build` first' : ''}`);
  return pathToFileURL(file).href;
}

/**
 * Runs bench/cookie-jar.ts in a child process of its own, as each HTTP client runs in one: the
 * suite's process has loaded every client and holds the other cases' results, and the jars' timings
 * should not depend on what ran before them.
 */
async function cookieJarRows(quick: boolean): Promise<CookieJarRow[] | string> {
  const file = fileURLToPath(new URL('./cookie-jar.ts', import.meta.url));
  if (!existsSync(file)) return 'bench/cookie-jar.ts is not there yet';
  const args = [...TS_CHILD_ARGV, file, '--json', ...(quick ? ['--quick'] : [])];
  // A failure is reported in its section rather than losing the cases measured before it.
  return runJsonChild<CookieJarRow[]>(args, COOKIE_JAR_TIMEOUT_MS, 'cookie-jar case').catch((err: unknown) => String(err instanceof Error ? err.message : err));
}

/** Installed versions of the compared packages, for the report. */
export function versions(): string {
  const read = (name: string) => {
    try {
      const file = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
      return `${name} ${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}`;
    } catch {
      return `${name} ?`;
    }
  };
  return ['undici', 'tough-cookie', 'fetch-cookie', 'axios', 'axios-cookiejar-support', 'http-cookie-agent', 'got'].map(read).join(', ');
}

/** Runs the selected cases (all by default) against servers it starts, and returns the results. */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => undefined);
  const wants = (id: string) => !options.only || options.only.includes(id);
  const moduleUrl = sessioUrl(options.source ?? 'dist');
  const t0 = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const servers = await startServers();
  const cases: CaseResult[] = [];
  let memory;
  const specs = HTTP_CASES.filter((c) => wants(c.id));
  const workers = specs.length ? CLIENTS.map((_, i) => ClientWorker.start(i, moduleUrl)) : [];
  const sessioIndex = CLIENTS.indexOf(sessioClient);
  const others = specs.length ? options.compareUrls ?? [] : [];
  workers.splice(sessioIndex + 1, 0, ...others.map((url) => ClientWorker.start(sessioIndex, url, `sessio@${path.basename(path.dirname(fileURLToPath(url)))}`)));
  try {
    for (const spec of specs) {
      log(`case ${spec.id}: ${spec.title}`);
      const plan = quick ? QUICK_PLAN : FULL_PLAN;
      cases.push(await runHttpCase(spec, servers, workers, { ...plan, repetitions: options.repetitions ?? plan.repetitions }, log));
    }
    if (wants('memory')) {
      log('case memory');
      memory = await runMemoryCase(servers.httpOrigin, moduleUrl, quick ? QUICK_MEMORY : FULL_MEMORY);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await servers.close();
  }
  let cookieJar: CookieJarRow[] | string = 'not selected';
  if (wants('cookie-jar')) {
    log('case cookie-jar');
    cookieJar = await cookieJarRows(quick);
  }
  const importTimes = wants('import') ? (log('case import'), await measureImportTimes(moduleUrl, quick ? 1 : 7)) : [];
  return { quick, date: new Date().toISOString(), cases, memory, importTimes, cookieJar, wallSeconds: (performance.now() - t0) / 1000, loadAverage: [loadAtStart, os.loadavg()[0]!] };
}
