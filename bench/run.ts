/**
 * `npm run bench [-- --quick] [--only=get,post] [--source=src] [--compare=a/index.js,b/index.js] [--reps=N]`: runs
 * the suite, prints the report and, for a full run of every case, rewrites BENCHMARKS.md (with
 * bench/perf-notes.md appended). `--compare` adds other builds of sessio as clients, for before/after.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBench, versions } from './index.js';
import { checkTargets, renderReport } from './report.js';

const ROOT = new URL('..', import.meta.url);

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
}

async function main(): Promise<void> {
  const quick = arg('quick') !== undefined;
  const only = arg('only')?.split(',').filter(Boolean);
  const source = arg('source') === 'src' ? 'src' : 'dist';
  const compare = arg('compare');
  const reps = Number(arg('reps') ?? NaN);
  const compareUrls = compare?.split(',').filter(Boolean).map((file) => pathToFileURL(path.resolve(file)).href);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const result = await runBench({ quick, source, ...(only && { only }), ...(compareUrls && { compareUrls }), ...(reps > 0 && { repetitions: reps }), log: (line) => console.error(line) });
  const report = renderReport(result, command, versions());
  console.log(report);
  const failed = checkTargets(result).filter((t) => !t.met);
  if (failed.length && !quick) console.error(`\n${failed.length} target(s) missed: ${failed.map((t) => t.text).join('; ')}`);
  if (quick || only || compare || reps > 0 || source !== 'dist') return;
  const notesFile = fileURLToPath(new URL('bench/perf-notes.md', ROOT));
  const notes = existsSync(notesFile) ? `\n\n${readFileSync(notesFile, 'utf8').trim()}\n` : '\n';
  const intro = [
    '# Benchmarks',
    '',
    '_This file is rewritten by `npm run bench`; edit bench/perf-notes.md for the notes at the end._',
    '',
    'Client CPU per request is `process.cpuUsage()` (user + system) of the client process over a',
    'measured repetition, divided by the requests it completed; the servers run in a child process, so',
    'their CPU is not counted. Every client parses each JSON response and the bench checks its content',
    '(including the cookies the server received). Clients run interleaved: a warm-up, then repetitions',
    'that visit every client, each repetition starting with a different one; 16 requests in flight.',
    'Ratios compare with raw `undici.request` (no cookie jar).',
    '',
    'Clients, as their users set them up: sessio (one Session); raw `undici.request` on an Agent; the same',
    'with tough-cookie read and written around every hop (redirects followed by hand); global `fetch` with',
    'fetch-cookie; axios with axios-cookiejar-support over http (it makes a fresh agent per request, so no',
    'keep-alive: that is its real cost) and, since it accepts no CA, with http-cookie-agent (keep-alive, CA)',
    'over https; got with a tough-cookie jar, keep-alive agents, no retries and `methodRewriting` (POST→GET',
    'on 302, as browsers do). Case 3 (cookie jar) is bench/cookie-jar.ts in a process of its own (both jars',
    'in it, interleaved); case 4 (memory) runs in its own process with `--expose-gc`; case 5 imports each',
    'package in a fresh process.',
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL('BENCHMARKS.md', ROOT)), `${intro}\n${report}${notes}`);
  console.error('BENCHMARKS.md written');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
