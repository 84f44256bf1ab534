/**
 * HTTP/2 vs HTTP/1.1, 100 requests in flight: sessio over one h2 connection (`http2: true`) against
 * sessio over 16 HTTP/1.1 connections, with raw undici doing the same for reference. Client CPU per
 * request and requests/s, interleaved repetitions, ratios paired per repetition.
 *   node --import tsx bench/http2.ts [--quick]
 * The server (node:http2 with allowHTTP1, so both protocols hit the same code) runs in a child process.
 */
import { fork } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { testPki } from '../test/helpers/tls.js';
import { TS_CHILD_ARGV } from './child-argv.js';
import { sessioUrl } from './index.js';
import { measure, rotate, spread } from './measure.js';
import type { SessioModule } from './clients.js';

const IN_FLIGHT = 100;
const H1_CONNECTIONS = 16;
const BODY = JSON.stringify({ id: 42, user: 'alice', roles: ['admin', 'dev'], active: true });

if (process.argv.includes('--server')) {
  process.once('message', (tls: { key: string; cert: string }) => {
    const server = http2.createSecureServer({ ...tls, allowHTTP1: true, settings: { maxConcurrentStreams: 256 } }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY), 'set-cookie': 'a=1; Path=/' });
      res.end(BODY);
    });
    server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
  });
  process.once('disconnect', () => process.exit(0));
} else {
  await main();
}

interface Client {
  name: string;
  get(): Promise<void>;
  connections(): number;
  close(): Promise<void>;
}

function check(body: { user?: string }, version: string, want: string, name: string): void {
  if (body.user !== 'alice' || version !== want) throw new Error(`${name}: got ${version} ${JSON.stringify(body)}`);
}

function sessioClient(sessio: SessioModule, origin: string, ca: string, h2: boolean): Client {
  const s = new sessio.Session({ baseUrl: origin, tls: { ca }, ...(h2 ? { http2: true } : { pool: { connections: H1_CONNECTIONS } }) });
  const want = h2 ? 'HTTP/2' : 'HTTP/1.1';
  const name = h2 ? 'sessio h2, 1 connection' : `sessio HTTP/1.1, ${H1_CONNECTIONS} connections`;
  return {
    name,
    get: async () => {
      const r = await s.get('/json');
      check(await r.json(), r.httpVersion, want, name);
    },
    connections: () => s.stats()[origin]?.connections ?? 0,
    close: () => s.close(),
  };
}

function undiciClient(origin: string, ca: string, h2: boolean): Client {
  // undici 7 multiplexes only up to `pipelining` (nodejs/undici#4143), so h2 needs it raised by hand.
  const agent = new Agent(h2 ? { allowH2: true, connections: 1, pipelining: IN_FLIGHT, connect: { ca } } : { connections: H1_CONNECTIONS, connect: { ca } });
  let connections = 0;
  agent.on('connect', () => connections++);
  const name = h2 ? 'undici h2, 1 connection' : `undici HTTP/1.1, ${H1_CONNECTIONS} connections`;
  return {
    name,
    get: async () => {
      const r = await request(`${origin}/json`, { dispatcher: agent });
      check((await r.body.json()) as { user?: string }, h2 ? 'HTTP/2' : 'HTTP/1.1', h2 ? 'HTTP/2' : 'HTTP/1.1', name);
    },
    connections: () => connections,
    close: () => agent.close(),
  };
}

async function startServer(): Promise<{ origin: string; ca: string; stop(): void }> {
  const pki = await testPki();
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: TS_CHILD_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('h2 bench server did not start')), 30_000);
    child.once('message', (p) => {
      clearTimeout(timer);
      resolve(p as number);
    });
    child.send({ key: pki.serverKey, cert: pki.serverCert });
  });
  return { origin: `https://127.0.0.1:${port}`, ca: pki.ca, stop: () => child.disconnect() };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const [count, reps] = quick ? [500, 1] : [8_000, 5];
  const sessio = (await import(sessioUrl(process.env.SESSIO_SOURCE === 'dist' ? 'dist' : 'src'))) as SessioModule;
  const server = await startServer();
  const clients = [
    sessioClient(sessio, server.origin, server.ca, true),
    sessioClient(sessio, server.origin, server.ca, false),
    undiciClient(server.origin, server.ca, true),
    undiciClient(server.origin, server.ca, false),
  ];
  const samples = new Map<Client, { cpu: number; rps: number }[]>(clients.map((c) => [c, []]));
  try {
    for (const c of clients) await measure(c.get, Math.min(count, 2000), IN_FLIGHT, 30_000);
    for (let rep = 0; rep < reps; rep++) {
      for (const c of rotate(clients, rep)) {
        const s = await measure(c.get, count, IN_FLIGHT, 30_000);
        samples.get(c)!.push({ cpu: s.cpuUs / s.completed, rps: s.completed / (s.wallMs / 1000) });
      }
    }
    const h2 = samples.get(clients[0]!)!;
    const h1 = samples.get(clients[1]!)!;
    const lines = [
      `| client | connections | CPU µs/req (median, min–max) | req/s (median, min–max) |`,
      '| --- | --- | --- | --- |',
      ...clients.map((c) => {
        const list = samples.get(c)!;
        const cpu = spread(list.map((x) => x.cpu));
        const rps = spread(list.map((x) => x.rps));
        return `| ${c.name} | ${c.connections()} | ${cpu.median.toFixed(1)} (${cpu.min.toFixed(1)}–${cpu.max.toFixed(1)}) | ${Math.round(rps.median)} (${Math.round(rps.min)}–${Math.round(rps.max)}) |`;
      }),
      '',
      `sessio h2 / sessio HTTP/1.1, paired per repetition: CPU per request ${spread(h2.map((x, i) => x.cpu / h1[i]!.cpu)).median.toFixed(2)}×, requests/s ${spread(h2.map((x, i) => x.rps / h1[i]!.rps)).median.toFixed(2)}×`,
      `sessio h2 / undici h2 CPU per request: ${spread(h2.map((x, i) => x.cpu / samples.get(clients[2]!)![i]!.cpu)).median.toFixed(2)}×`,
      `(${count} GETs per repetition, ${reps} repetitions, ${IN_FLIGHT} in flight, Node ${process.version})`,
    ];
    console.log(lines.join('\n'));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    server.stop();
  }
}
