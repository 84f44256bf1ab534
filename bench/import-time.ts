/** Import time: each module imported in a fresh Node process, interleaved, median of several runs. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TS_CHILD_ARGV } from './child-argv.js';
import { spread, type Spread } from './measure.js';

export interface ImportTime {
  name: string;
  ms: Spread;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;

function importOnce(spec: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(spec)}); process.stdout.write(String(performance.now() - t));`;
  const args = [...(spec.endsWith('.ts') ? TS_CHILD_ARGV : []), '--input-type=module', '-e', script];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: CHILD_TIMEOUT_MS }, (err, stdout, stderr) => {
      const ms = Number(stdout);
      if (err || !Number.isFinite(ms)) reject(new Error(`importing ${spec} failed: ${err?.message ?? stdout} ${stderr.slice(0, 300)}`));
      else resolve(ms);
    });
  });
}

/** Import times of sessio (from `sessioUrl`) and of the alternatives, `runs` times each. */
export async function measureImportTimes(sessioUrl: string, runs: number): Promise<ImportTime[]> {
  const modules: [string, string][] = [
    ['sessio', sessioUrl],
    ['undici', 'undici'],
    ['tough-cookie', 'tough-cookie'],
    ['fetch-cookie', 'fetch-cookie'],
    ['axios', 'axios'],
    ['got', 'got'],
  ];
  const times = new Map<string, number[]>(modules.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, spec] of modules) times.get(name)!.push(await importOnce(spec));
  }
  return modules.map(([name]) => ({ name, ms: spread(times.get(name)!) }));
}
