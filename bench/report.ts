/** Renders bench results as Markdown, for stdout and BENCHMARKS.md. */
import os from 'node:os';
import { BASELINE } from './clients.js';
import { cpuRatio, type CaseResult } from './http-cases.js';
import type { ImportTime } from './import-time.js';
import type { MemoryResult } from './memory.js';
import type { Spread } from './measure.js';

/** A row of the cookie-jar bench (bench/cookie-jar.ts). */
export interface CookieJarRow {
  name: string;
  sessio: number;
  toughCookie: number;
  ratio: number;
  unit: string;
}

export interface BenchResult {
  quick: boolean;
  date: string;
  cases: CaseResult[];
  memory: MemoryResult | undefined;
  importTimes: ImportTime[];
  /** Rows, or why there are none. */
  cookieJar: CookieJarRow[] | string;
  wallSeconds: number;
  /** 1-minute load average at the start and at the end of the run. */
  loadAverage: [number, number];
}

/** A target and whether this run met it. */
export interface TargetCheck {
  text: string;
  value: string;
  met: boolean;
}

const SESSIO = 'sessio';
const MAX_RATIO_TO_UNDICI = 1.15;
const MAX_SHARE_OF_ANCHORS = 1 / 3;
/** Cookie jar targets against tough-cookie at 10,000 cookies over 1,000 domains. */
const MIN_LOOKUP_RATIO = 10;
const MIN_INGEST_RATIO = 5;
const ANCHORS = ['fetch + fetch-cookie', 'axios + cookiejar', 'got + tough-cookie'];
const MAX_GROWTH_MB = 10;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (s: Spread, digits = 0) => `${fmt(s.min, digits)}–${fmt(s.max, digits)}`;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function caseTable(c: CaseResult): string {
  const baseRps = c.clients.find((x) => x.name === BASELINE)?.requestsPerSec.median;
  const rows = c.clients.map((x) => {
    const ratio = cpuRatio(c, x.name);
    return [
      x.name === SESSIO ? `**${x.name}**` : x.name,
      fmt(x.cpuUsPerRequest.median, 1),
      range(x.cpuUsPerRequest, 1),
      ratio ? `${fmt(ratio.median, 2)}× (${range(ratio, 2)})` : '–',
      fmt(x.requestsPerSec.median),
      range(x.requestsPerSec),
      baseRps ? `${fmt(x.requestsPerSec.median / baseRps, 2)}×` : '–',
    ];
  });
  return table(['client', 'CPU µs/req (median)', 'CPU min–max', 'CPU vs undici (paired median, min–max)', 'req/s (median)', 'req/s min–max', 'req/s vs undici'], rows);
}

/** The issues' targets, checked against case 1 (keep-alive GET), the cookie jar and the memory case. */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const get = result.cases.find((c) => c.id === 'get');
  const toUndici = get && cpuRatio(get, SESSIO);
  if (toUndici) {
    checks.push({ text: `sessio CPU/request ≤ ${MAX_RATIO_TO_UNDICI}× raw undici.request (keep-alive GET)`, value: `${fmt(toUndici.median, 2)}×`, met: toUndici.median <= MAX_RATIO_TO_UNDICI });
  }
  for (const anchor of ANCHORS) {
    const share = get && cpuRatio(get, SESSIO, anchor);
    if (!share) continue;
    checks.push({ text: `sessio CPU/request ≤ 1/3 of ${anchor}`, value: `${fmt(share.median, 2)} of it`, met: share.median <= MAX_SHARE_OF_ANCHORS });
  }
  if (typeof result.cookieJar !== 'string') {
    // Cookie issue, point 5: with 10,000 cookies over 1,000 domains, against tough-cookie 6.
    for (const row of result.cookieJar) {
      const min = row.name.startsWith('Cookie header lookup, 10k') ? MIN_LOOKUP_RATIO : row.name.startsWith('Set-Cookie ingest, 10k') ? MIN_INGEST_RATIO : 0;
      if (min > 0) checks.push({ text: `${row.name}: ≥ ${min}× faster than tough-cookie`, value: `${fmt(row.ratio, 2)}×`, met: row.ratio >= min });
    }
  }
  const m = result.memory;
  if (m) {
    checks.push({ text: `heap growth over ${fmt(m.total)} requests ≤ ${MAX_GROWTH_MB} MB`, value: `${fmt(m.heapGrowthMB, 1)} MB`, met: m.heapGrowthMB <= MAX_GROWTH_MB });
    checks.push({ text: `RSS growth over ${fmt(m.total)} requests ≤ ${MAX_GROWTH_MB} MB`, value: `${fmt(m.rssGrowthMB, 1)} MB`, met: m.rssGrowthMB <= MAX_GROWTH_MB });
    checks.push({ text: `${fmt(m.burst)} requests at once over 16 connections all succeed`, value: `${fmt(m.burstSucceeded)} succeeded`, met: m.burstSucceeded === m.burst });
  }
  return checks;
}

function memorySection(m: MemoryResult): string {
  return table(['measure', 'value'], [
    ['requests through one session (16 in flight)', `${fmt(m.completed)} of ${fmt(m.total)}, ${fmt(m.connections)} connections`],
    ['heap after warm-up → end (after GC)', `${fmt(m.heapAfterWarmMB, 1)} MB → ${fmt(m.heapEndMB, 1)} MB (growth ${fmt(m.heapGrowthMB, 1)} MB)`],
    ['RSS after warm-up → end', `${fmt(m.rssAfterWarmMB, 1)} MB → ${fmt(m.rssEndMB, 1)} MB (growth ${fmt(m.rssGrowthMB, 1)} MB)`],
    ['heap / RSS at checkpoints (requests: MB)', m.checkpoints.map((c) => `${fmt(c.requests / 1000)}k: ${fmt(c.heapMB, 1)} / ${fmt(c.rssMB, 1)}`).join(' · ')],
    [`burst: ${fmt(m.burst)} requests issued at once`, `${fmt(m.burstSucceeded)} succeeded over ${m.burstConnections} connections in ${fmt(m.burstWallMs)} ms`],
    ['burst peak heap / RSS', `${fmt(m.burstPeakHeapMB, 1)} MB / ${fmt(m.burstPeakRssMB, 1)} MB`],
  ]);
}

function cookieJarSection(rows: CookieJarRow[] | string): string {
  if (typeof rows === 'string') return `_Not run: ${rows}._`;
  return table(['operation', 'sessio', 'tough-cookie', 'tough-cookie / sessio', 'unit'],
    rows.map((r) => [r.name, fmt(r.sessio, 2), fmt(r.toughCookie, 2), `${fmt(r.ratio, 2)}×`, r.unit]));
}

/** Machine, Node version, date and command. */
export function machine(result: BenchResult, command: string): string {
  const cpus = os.cpus();
  return [
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${fmt(os.totalmem() / 1024 ** 3, 1)} GiB RAM, ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node ${process.version}`,
    `- Date: ${result.date}; load average (1 min) at start ${fmt(result.loadAverage[0], 1)}, at end ${fmt(result.loadAverage[1], 1)} (other work on the machine inflates every number)`,
    `- Command: \`${command}\` (${fmt(result.wallSeconds)} s)`,
  ].join('\n');
}

/** The whole report. */
export function renderReport(result: BenchResult, command: string, versions: string): string {
  const parts = [
    ...(result.quick ? ['_Quick smoke run (`--quick`): a few hundred requests per client, no real warm-up; the numbers mean nothing._', ''] : []),
    '## Environment',
    machine(result, command),
    `- Versions: ${versions}`,
    '',
    '## Targets',
    table(['target', 'this run', 'met'], checkTargets(result).map((t) => [t.text, t.value, t.met ? 'yes' : '**no**'])),
  ];
  for (const c of result.cases) parts.push('', `## ${c.title}`, caseTable(c));
  parts.push('', '## Cookie jar: sessio vs tough-cookie', cookieJarSection(result.cookieJar));
  if (result.memory) parts.push('', '## Memory', memorySection(result.memory));
  parts.push('', '## Import time (fresh process, `await import()`)',
    table(['module', 'median ms', 'min–max ms'], result.importTimes.map((t) => [t.name, fmt(t.ms.median, 1), range(t.ms, 1)])));
  return parts.join('\n');
}
