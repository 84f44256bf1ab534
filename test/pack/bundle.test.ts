/**
 * package.json says `"sideEffects": false`, so a bundler may drop any module that is imported for its
 * side effects only. This bundles a consumer with esbuild against the compiled package (built into a
 * temp copy, so dist/ of the checkout is never touched while other tests use it) and runs it: a
 * session learns a CSRF token from a 127.0.0.1 server, is saved and loaded, and the loaded session
 * must send that token. Without the persist module's CSRF state handler the token is lost.
 */
import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, TSC, describeRun, packageVersion, run, tempDir } from './helpers.js';

/** Left to Node at run time: the check is about sessio's own modules, not about bundling undici. */
const EXTERNAL = ['undici', 'tldts', 'htmlparser2'];

const CONSUMER = `
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { Session, VERSION } from 'sessio';

const file = process.argv[2];
let pages = 0;
let sent;
// A Spring-style page: the token in <meta name="_csrf">, a new one each time the page is fetched.
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/form') {
    pages++;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<html><head><meta name="_csrf" content="token-' + pages + '"><meta name="_csrf_header" content="X-CSRF-TOKEN"></head><body></body></html>');
    return;
  }
  if (req.method === 'POST' && req.url === '/items') {
    sent = req.headers['x-csrf-token'];
    res.statusCode = sent ? 201 : 403;
    res.end(sent ? 'created' : 'Invalid CSRF token');
    return;
  }
  res.statusCode = 404;
  res.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = 'http://127.0.0.1:' + server.address().port;
try {
  const first = new Session({ baseUrl, csrf: 'spring' });
  await first.get('/form');
  await first.save(file);
  await first.close();
  const saved = JSON.parse(await readFile(file, 'utf8'));
  const loaded = await Session.load(file);
  const r = await loaded.post('/items', { json: { name: 'x' } });
  await loaded.close();
  console.log(JSON.stringify({ version: VERSION, status: r.status, sent: sent ?? null, pages, savedTokens: saved.state?.csrf?.tokens?.map((t) => t.token) ?? null }));
} finally {
  server.close();
}
`;

let work: string;
let bundle: string;

/** The package as a consumer's node_modules would hold it: package.json and a fresh dist/. */
async function buildPackage(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  const r = await run(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--sourceMap', 'false', '--declaration', 'false', '--declarationMap', 'false'], ROOT);
  if (r.code !== 0) throw new Error(describeRun('tsc (build into a temp dir)', r));
}

beforeAll(async () => {
  work = await tempDir('bundle');
  const app = path.join(work, 'app');
  await buildPackage(path.join(app, 'node_modules/sessio'));
  for (const dep of EXTERNAL) await symlink(path.join(ROOT, 'node_modules', dep), path.join(app, 'node_modules', dep), 'dir');
  await writeFile(path.join(app, 'main.mjs'), CONSUMER);
  bundle = path.join(app, 'bundle.mjs');
  // esbuild drops a side-effect-only import inside a `sideEffects: false` package without a warning,
  // so only running the bundle tells.
  await build({
    entryPoints: [path.join(app, 'main.mjs')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: EXTERNAL, logLevel: 'silent',
  });
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('runs bundled, and a saved session keeps its CSRF token (no module tree-shaken away)', async () => {
  const file = path.join(work, 'session.json');
  const r = await run(process.execPath, [bundle, file], path.dirname(bundle), 30_000);
  expect(r.code, describeRun('node bundle.mjs', r)).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ version: await packageVersion(), status: 201, sent: 'token-1', pages: 1, savedTokens: ['token-1'] });
}, 90_000);
