/**
 * The HTTP cases: every client runs every case, interleaved (a warm-up, then repetitions that each
 * visit all clients, starting with a different one each time); each client in its own process.
 */
import type { ClientWorker } from './client-worker.js';
import { BASELINE, type BenchClient, type Target } from './clients.js';
import { rotate, spread, type Spread } from './measure.js';
import type { BenchServers } from './servers.js';

/** How much load each case gets. */
export interface LoadPlan {
  /** Operations per measured repetition per client. */
  count: number;
  warmCount: number;
  repetitions: number;
  /** Time bound of one repetition of one client. */
  maxMs: number;
  inFlight: number;
}

export interface HttpCase {
  id: string;
  title: string;
  https: boolean;
  /** HTTP requests per operation (the login flow is four). */
  requestsPerOp: number;
  /** Share of the plan's count, for cases whose operation is several requests. */
  countScale: number;
  op(client: BenchClient): Promise<void>;
}

/** One client's numbers in one case. */
export interface ClientResult {
  name: string;
  requestsPerSec: Spread;
  cpuUsPerRequest: Spread;
  /** CPU per request in each repetition, in order, for ratios paired by repetition. */
  cpuSamples: number[];
  /** Operations completed over all measured repetitions, and how many were asked for. */
  completed: number;
  expected: number;
}

export interface CaseResult {
  id: string;
  title: string;
  clients: ClientResult[];
}

const PAYLOAD = makePayload(1024);
const PAYLOAD_BYTES = Buffer.byteLength(JSON.stringify(PAYLOAD));

/** A JSON object of exactly `bytes` bytes: a list of small records, padded. */
function makePayload(bytes: number): { items: { id: number; name: string; tags: string[] }[]; pad: string } {
  const items: { id: number; name: string; tags: string[] }[] = [];
  while (JSON.stringify({ items, pad: '' }).length < bytes - 60) items.push({ id: items.length, name: `item-${items.length}`, tags: ['x', 'y'] });
  return { items, pad: 'x'.repeat(bytes - JSON.stringify({ items, pad: '' }).length) };
}

function fail(client: BenchClient, what: string, reply: unknown): never {
  throw new Error(`${client.name}: ${what}, got ${JSON.stringify(reply)?.slice(0, 200)}`);
}

function expectCookies(client: BenchClient, reply: unknown, count: number): void {
  const r = reply as { cookies?: unknown };
  if (r?.cookies !== count) fail(client, `expected ${count} cookies sent`, reply);
}

async function getJson(client: BenchClient): Promise<void> {
  const reply = (await client.get('/json')) as { user?: string };
  if (reply?.user !== 'alice') fail(client, 'wrong /json body', reply);
  expectCookies(client, reply, client.hasJar ? 2 : 0);
}

async function postJson(client: BenchClient): Promise<void> {
  const reply = (await client.postJson('/echo', PAYLOAD)) as { bytes?: number; items?: number };
  if (reply?.bytes !== PAYLOAD_BYTES || reply.items !== PAYLOAD.items.length) fail(client, `expected ${PAYLOAD_BYTES} bytes echoed`, reply);
  expectCookies(client, reply, client.hasJar ? 2 : 0);
}

async function loginFlow(client: BenchClient): Promise<void> {
  const reply = (await client.login()) as { ok?: boolean; cookies?: string[] };
  if (reply?.ok !== true || !Array.isArray(reply.cookies)) fail(client, 'login flow did not end in the JSON page', reply);
  // Each hop's cookie must have reached the following hops: SESSION from the login POST, h1 and h2 from the redirects.
  const needed = client.hasJar ? ['SESSION', 'h1', 'h2'] : [];
  for (const name of needed) if (!reply.cookies.includes(name)) fail(client, `cookie ${name} from an earlier hop was not sent`, reply);
  if (!client.hasJar && reply.cookies.length) fail(client, 'a client without a jar sent cookies', reply);
}

export const HTTP_CASES: readonly HttpCase[] = [
  { id: 'get', title: 'Keep-alive GET of a small JSON, 2 cookies in the jar (http)', https: false, requestsPerOp: 1, countScale: 1, op: getJson },
  { id: 'post', title: `POST of a ${PAYLOAD_BYTES}-byte JSON body, 2 cookies in the jar (http)`, https: false, requestsPerOp: 1, countScale: 1, op: postJson },
  { id: 'login', title: 'Form login POST → 302 → 302 → 302 → 200, a cookie set on every hop (per request; 4 per flow)', https: false, requestsPerOp: 4, countScale: 0.25, op: loginFlow },
  { id: 'https', title: 'Keep-alive GET of a small JSON over HTTPS, 2 cookies in the jar', https: true, requestsPerOp: 1, countScale: 1, op: getJson },
];

/**
 * Runs one case for all clients, each in its own process: set up and prime the jars, warm up, then the
 * repetitions, visiting every client in turn and starting each repetition with a different one.
 */
export async function runHttpCase(spec: HttpCase, servers: BenchServers, workers: readonly ClientWorker[], plan: LoadPlan, log: (line: string) => void): Promise<CaseResult> {
  const target: Target = spec.https ? { origin: servers.httpsOrigin, ca: servers.ca } : { origin: servers.httpOrigin };
  const count = Math.max(1, Math.round(plan.count * spec.countScale));
  const warm = Math.max(1, Math.round(plan.warmCount * spec.countScale));
  const names = new Map<ClientWorker, string>();
  const samples = new Map<ClientWorker, { rps: number; cpu: number; completed: number }[]>();
  try {
    for (const w of workers) {
      names.set(w, await w.setup(spec.id, target));
      samples.set(w, []);
    }
    for (const w of workers) await w.run(warm, plan.inFlight, plan.maxMs);
    for (let rep = 0; rep < plan.repetitions; rep++) {
      for (const w of rotate(workers, rep)) {
        const s = await w.run(count, plan.inFlight, plan.maxMs);
        const requests = s.completed * spec.requestsPerOp;
        samples.get(w)!.push({ rps: requests / (s.wallMs / 1000), cpu: s.cpuUs / requests, completed: s.completed });
      }
      log(`  ${spec.id}: repetition ${rep + 1}/${plan.repetitions} done`);
    }
  } finally {
    await Promise.all(workers.map((w) => w.teardown()));
  }
  return {
    id: spec.id,
    title: spec.title,
    clients: workers.map((w) => {
      const list = samples.get(w)!;
      return {
        name: names.get(w)!,
        requestsPerSec: spread(list.map((x) => x.rps)),
        cpuUsPerRequest: spread(list.map((x) => x.cpu)),
        cpuSamples: list.map((x) => x.cpu),
        completed: list.reduce((n, x) => n + x.completed, 0),
        expected: count * plan.repetitions,
      };
    }),
  };
}

/**
 * A client's CPU per request over the baseline's, taken per repetition (the two ran seconds apart, so
 * slow drifts in machine load cancel out) and summarised by the median.
 */
export function cpuRatio(result: CaseResult, name: string, baseline: string = BASELINE): Spread | undefined {
  const mine = result.clients.find((c) => c.name === name)?.cpuSamples;
  const base = result.clients.find((c) => c.name === baseline)?.cpuSamples;
  if (!mine || !base || mine.length !== base.length || mine.length === 0) return undefined;
  return spread(mine.map((v, i) => v / base[i]!));
}
