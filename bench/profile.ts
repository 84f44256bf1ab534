/**
 * One client, one case, no comparison: for CPU profiles of sessio's hot path.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts [client] [case] [count]
 * client is a name from bench/clients.ts (default sessio), case one of get, post, login, https.
 * SESSIO_MODULE=/path/to/dist/index.js measures another build (before/after a change).
 */
import { pathToFileURL } from 'node:url';
import { CLIENTS } from './clients.js';
import { HTTP_CASES } from './http-cases.js';
import { sessioUrl } from './index.js';
import { measure } from './measure.js';
import { startServers } from './servers.js';
import type { SessioModule } from './clients.js';

const [clientName = 'sessio', caseId = 'get', countArg = '50000'] = process.argv.slice(2);
const count = Number(countArg);
const spec = HTTP_CASES.find((c) => c.id === caseId);
if (!spec) throw new Error(`unknown case ${caseId}`);
const source = process.env.SESSIO_SOURCE === 'dist' ? 'dist' : 'src';
const sessio = (await import(process.env.SESSIO_MODULE ? pathToFileURL(process.env.SESSIO_MODULE).href : sessioUrl(source))) as SessioModule;
const servers = await startServers();
const target = spec.https ? { origin: servers.httpsOrigin, ca: servers.ca } : { origin: servers.httpOrigin };
const all = CLIENTS.map((make) => make(target, sessio));
const client = all.find((c) => c.name === clientName);
if (!client) throw new Error(`unknown client ${clientName}`);
try {
  await client.get('/prime');
  await measure(() => spec.op(client), Math.min(count, 5000), 16, 60_000);
  const s = await measure(() => spec.op(client), count, 16, 120_000);
  const requests = s.completed * spec.requestsPerOp;
  console.log(`${client.name} ${spec.id}: ${requests} requests, ${(s.cpuUs / requests).toFixed(1)} µs CPU/request, ${Math.round(requests / (s.wallMs / 1000))} req/s`);
} finally {
  await Promise.all(all.map((c) => c.close()));
  await servers.close();
}
