// Cookie jar benchmark: sessio's CookieJar against tough-cookie 6 (setCookieSync/getCookieStringSync)
// in one process, interleaved repetitions, medians. Run: npx tsx bench/cookie-jar.ts [--quick] [--json]
// (`npm run bench` runs it in a child process with --json).
//
// Fairness: both jars get the very same inputs: the same Set-Cookie strings and the same URL
// objects (the Session passes the request's URL object; tough-cookie 6 takes URL objects too and
// then skips its own parsing), or, in the rows marked "string URLs", the same URLs as href strings,
// as users of the jar API pass them (each jar then parses every URL). Set-Cookie strings are flat, as header values decoded from a socket
// are, not the rope strings template concatenation builds. Times are process CPU time (GC threads
// included), which the other processes of a busy machine disturb far less than wall time, and
// samples are separated by a short pause so that one library's pending GC work is not billed to
// the other. Ingest is measured through setCookie (which returns a Cookie copy, as tough-cookie's
// setCookieSync returns its cookie) and through acceptSetCookie (no copy: what the Session needs).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { CookieJar as ToughJar } from 'tough-cookie';
import { CookieJar } from '../src/cookies/index.js';

export interface Row {
  name: string;
  sessio: number;
  toughCookie: number;
  /** toughCookie / sessio: how many times faster (or smaller) sessio is. */
  ratio: number;
  unit: string;
}

interface Corpus<U extends string | URL = string | URL> {
  /** [Set-Cookie string, response URL] in ingest order. */
  sets: [string, U][];
  /** Request URLs for lookups, hitting hosts that have cookies. */
  gets: U[];
}

/** The same corpus with each URL as its href string. */
export function withStringUrls(c: Corpus<URL>): Corpus<string> {
  return { sets: c.sets.map(([s, u]) => [s, flat(u.href)]), gets: c.gets.map((u) => flat(u.href)) };
}

/** Deterministic PRNG so both jars see identical input across runs. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A flat copy of a string built by concatenation, like a header value read from the network. */
function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

const PATHS = ['/', '/api', '/api/v1', '/app', '/static/js', '/account/settings'];
const TLDS = ['com', 'org', 'co.uk', 'de', 'io'];

export function buildCorpus(cookies: number, domains: number, seed: number): Corpus<URL> {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const sets: [string, URL][] = [];
  const perDomain = Math.ceil(cookies / domains);
  for (let d = 0; d < domains; d++) {
    const site = `site${d}.${TLDS[d % TLDS.length]}`;
    for (let k = 0; k < perDomain && sets.length < cookies; k++) {
      const host = rnd() < 0.5 ? `www.${site}` : site;
      const path = pick(PATHS);
      let s = `c${k}_${Math.floor(rnd() * 1e6).toString(36)}=${Math.floor(rnd() * 1e12).toString(36)}-${k}`;
      if (rnd() < 0.5) s += `; Domain=${site}`;
      s += `; Path=${path}`;
      if (rnd() < 0.6) s += `; Max-Age=${3600 + Math.floor(rnd() * 86400)}`;
      if (rnd() < 0.5) s += '; HttpOnly';
      if (rnd() < 0.3) s += '; SameSite=Lax';
      sets.push([flat(s), new URL(`https://${host}${path === '/' ? '/index.html' : path + '/page'}`)]);
    }
  }
  const gets: URL[] = [];
  for (let i = 0; i < 2000; i++) {
    const d = Math.floor(rnd() * domains);
    const site = `site${d}.${TLDS[d % TLDS.length]}`;
    gets.push(new URL(`https://${rnd() < 0.5 ? 'www.' : ''}${site}${pick(PATHS)}/resource?id=${i}`));
  }
  return { sets, gets };
}

function sessioJar(): CookieJar {
  // Limits raised so neither jar evicts: tough-cookie has none.
  return new CookieJar({ maxPerDomain: 100_000, maxTotal: 1_000_000 });
}

function toughJar(): ToughJar {
  return new ToughJar();
}

export function fillSessio(c: Corpus): CookieJar {
  const jar = sessioJar();
  for (const [s, u] of c.sets) jar.setCookie(s, u);
  return jar;
}

/** Through acceptSetCookie, which skips building the Cookie copy that setCookie returns. */
export function fillSessioAccepting(c: Corpus): CookieJar {
  const jar = sessioJar();
  for (const [s, u] of c.sets) jar.acceptSetCookie(s, u);
  return jar;
}

export function fillTough(c: Corpus): ToughJar {
  const jar = toughJar();
  for (const [s, u] of c.sets) jar.setCookieSync(s, u);
  return jar;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Lets V8 finish the garbage collection work a sample left behind (concurrent marking is finalized
 * by a task on the event loop), so that the next sample, often the other library's, does not pay
 * for it: with both jars in one heap, each would otherwise be billed for the other's garbage.
 */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

/** ns per operation of `fn(ops)`, median of interleaved repetitions. */
async function compare(reps: number, sessio: () => number, tough: () => number): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < reps; r++) {
    // Alternate which runs first so that warm-up and load swings hit both alike.
    if (r % 2 === 0) {
      await settle();
      a.push(sessio());
      await settle();
      b.push(tough());
    } else {
      await settle();
      b.push(tough());
      await settle();
      a.push(sessio());
    }
  }
  return [median(a), median(b)];
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

/** CPU ns per operation of `fn`, which performs `ops` operations. */
function timeNs(ops: number, fn: () => void): number {
  const t0 = cpuNow();
  fn();
  return (cpuNow() - t0) / ops;
}

let sink = 0;

/** `fills` fresh jars per sample, so that small corpora still time milliseconds of work. */
async function ingestRow(name: string, corpus: Corpus, reps: number, fills: number, fill = fillSessio): Promise<Row> {
  const n = corpus.sets.length * fills;
  const [s, t] = await compare(
    reps,
    () => timeNs(n, () => { for (let f = 0; f < fills; f++) sink += fill(corpus) ? 1 : 0; }),
    () => timeNs(n, () => { for (let f = 0; f < fills; f++) sink += fillTough(corpus) ? 1 : 0; }),
  );
  return row(name, s, t, 'ns/Set-Cookie');
}

async function lookupRow(name: string, corpus: Corpus, reps: number, lookups: number): Promise<Row> {
  const sj = fillSessio(corpus);
  const tj = fillTough(corpus);
  const urls = corpus.gets;
  const [s, t] = await compare(
    reps,
    () => timeNs(lookups, () => { for (let i = 0; i < lookups; i++) sink += sj.getCookieHeader(urls[i % urls.length]!).length; }),
    () => timeNs(lookups, () => { for (let i = 0; i < lookups; i++) sink += tj.getCookieStringSync(urls[i % urls.length]!).length; }),
  );
  return row(name, s, t, 'ns/lookup');
}

/**
 * The Session's hot path: a host with a session cookie and a CSRF token. `paths` distinct request
 * URLs (1 = the same URL object every time, which sessio's last-URL memo serves without re-reading
 * the URL; more = a client walking through an API).
 */
async function twoCookieRow(reps: number, lookups: number, paths: number): Promise<Row> {
  const urls = Array.from({ length: paths }, (_, i) => new URL(paths === 1 ? 'https://api.example.com/orders/42' : `https://api.example.com/orders/${i}`));
  const sj = sessioJar();
  const tj = toughJar();
  for (const s of ['JSESSIONID=0123456789ABCDEF; Path=/; HttpOnly', 'XSRF-TOKEN=abcdef; Path=/']) {
    sj.setCookie(s, urls[0]!);
    tj.setCookieSync(s, urls[0]!);
  }
  const [s, t] = await compare(
    reps,
    () => timeNs(lookups, () => { for (let i = 0; i < lookups; i++) sink += sj.getCookieHeader(urls[i % paths]!).length; }),
    () => timeNs(lookups, () => { for (let i = 0; i < lookups; i++) sink += tj.getCookieStringSync(urls[i % paths]!).length; }),
  );
  const name = paths === 1 ? 'Cookie header, host with 2 cookies, same URL' : `Cookie header, host with 2 cookies, ${paths} URLs`;
  return row(name, s, t, 'ns/lookup');
}

function gcFunction(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function heapPerCookie(corpus: Corpus, build: () => unknown): number {
  const gc = gcFunction();
  if (!gc) return NaN;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const jar = build();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  sink += jar ? 1 : 0;
  return (after - before) / corpus.sets.length;
}

function memoryRow(corpus: Corpus, reps: number): Row {
  const s: number[] = [];
  const t: number[] = [];
  for (let r = 0; r < Math.max(1, Math.min(reps, 3)); r++) {
    s.push(heapPerCookie(corpus, () => fillSessio(corpus)));
    t.push(heapPerCookie(corpus, () => fillTough(corpus)));
  }
  return row('heap per cookie (10k jar)', median(s), median(t), 'bytes/cookie');
}

function row(name: string, sessio: number, toughCookie: number, unit: string): Row {
  return { name, sessio, toughCookie, ratio: toughCookie / sessio, unit };
}

/** Runs every scenario; `quick` shrinks repetitions for CI smoke runs. */
export async function runCookieJarBench(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const reps = opts.quick ? 3 : 15;
  const small = buildCorpus(300, 30, 1);
  const large = buildCorpus(10_000, 1_000, 2);
  const rows: Row[] = [];
  // Warm both implementations up before measuring.
  await compare(4, () => timeNs(1, () => fillSessio(large)), () => timeNs(1, () => fillTough(large)));
  rows.push(await ingestRow('Set-Cookie ingest, 300 cookies / 30 domains', small, reps, opts.quick ? 3 : 30));
  rows.push(await lookupRow('Cookie header lookup, 300 cookies', small, reps, opts.quick ? 2_000 : 20_000));
  rows.push(await ingestRow('Set-Cookie ingest, 10k cookies / 1,000 domains', large, reps, 1));
  rows.push(await ingestRow('Set-Cookie ingest, 10k cookies, acceptSetCookie', large, reps, 1, fillSessioAccepting));
  rows.push(await lookupRow('Cookie header lookup, 10k cookies', large, reps, opts.quick ? 2_000 : 20_000));
  const largeStrings = withStringUrls(large);
  rows.push(await ingestRow('Set-Cookie ingest, 10k cookies / 1,000 domains, string URLs', largeStrings, reps, 1));
  rows.push(await lookupRow('Cookie header lookup, 10k cookies, string URLs', largeStrings, reps, opts.quick ? 2_000 : 20_000));
  rows.push(await twoCookieRow(reps, opts.quick ? 20_000 : 200_000, 1));
  rows.push(await twoCookieRow(reps, opts.quick ? 20_000 : 200_000, 256));
  rows.push(memoryRow(large, reps));
  return rows;
}

function formatTable(rows: Row[]): string {
  const fmt = (n: number): string => (Number.isNaN(n) ? 'n/a' : n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const lines = [
    '| scenario | sessio | tough-cookie 6 | tough / sessio | unit |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.sessio)} | ${fmt(r.toughCookie)} | ${r.ratio.toFixed(1)}× | ${r.unit} |`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const rows = await runCookieJarBench({ quick });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows));
  } else {
    console.log(`cookie jar benchmark (node ${process.version}${quick ? ', quick' : ''})`);
    console.log(formatTable(rows));
  }
  if (sink === -1) console.log('');
}
