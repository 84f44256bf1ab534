/**
 * Shared by the packaging tests: the repository root, a subprocess runner that never throws (the test
 * wants to show the child's stderr in its assertion), temp directories, a clean clone, an install.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The project's own TypeScript compiler: consumers are type-checked with the version we develop with. */
export const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` in `cwd`, killed after `timeoutMs`; resolves with its exit code and output. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr: err && code === null ? `${stderr}\n${err.message}` : stderr });
    });
  });
}

/** A fresh directory under the OS temp dir; the caller removes it. */
export function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `sessio-${label}-`));
}

/**
 * Output of a failed child, for an assertion message. Its lines are prefixed so that vitest does not
 * take the child's stack trace for ours and open its files after they are removed.
 */
export function describeRun(what: string, r: Ran): string {
  const quote = (text: string) => text.slice(-4000).replace(/^/gm, '| ');
  return `${what} exited ${r.code}\n--- stdout\n${quote(r.stdout)}\n--- stderr\n${quote(r.stderr)}`;
}

/**
 * The tracked and untracked-but-not-ignored files: what a clone of this working tree would hold.
 * With `linkNodeModules`, our node_modules is linked in so the copy can build without an install.
 */
export async function copyCleanClone(to: string, linkNodeModules: boolean): Promise<void> {
  const ls = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  if (ls.code !== 0) throw new Error(describeRun('git ls-files (the packaging tests need a git checkout)', ls));
  for (const file of ls.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the working tree, not yet staged
    await cp(path.join(ROOT, file), path.join(to, file), { recursive: true });
  }
  if (linkNodeModules) await symlink(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
}

/** npm's error codes when the registry cannot be reached (the dependencies are not all in the cache). */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ETIMEDOUT|ENOTCACHED)\b/;

/**
 * Installs `specs` (and the @types/node we build with) into a new empty ESM project at `dir`, from
 * npm's cache where it can. Resolves with a reason to skip when the registry is needed but unreachable.
 */
export async function installInto(dir: string, specs: string[], timeoutMs: number): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const typesNode = JSON.parse(await readFile(path.join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
  const r = await run('npm', ['install', ...specs, `@types/node@${typesNode.version}`, '--prefer-offline', '--no-audit', '--no-fund', '--no-save'], dir, timeoutMs);
  if (r.code === 0) return undefined;
  const offline = OFFLINE.exec(r.stderr);
  if (offline) return `npm registry unreachable and the dependencies are not all cached (${offline[1]})`;
  throw new Error(describeRun(`npm install ${specs.join(' ')}`, r));
}

/**
 * Imports the installed package with Node (ESM) in `dir` and makes a request to 127.0.0.1 through it
 * (so its dependencies are there too); prints what {@link expectedImportCheck} describes.
 */
export async function runImportCheck(dir: string): Promise<Ran> {
  const script = `
    import http from 'node:http';
    import { Session, CookieJar, VERSION } from 'sessio';
    import pkg from 'sessio/package.json' with { type: 'json' };
    const server = http.createServer((req, res) => { res.setHeader('set-cookie', 'JSESSIONID=abc; Path=/'); res.end('hi'); });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const s = new Session({ baseUrl: 'http://127.0.0.1:' + server.address().port });
      const r = await s.get('/');
      const out = { version: VERSION, pkg: pkg.version, text: await r.text(), cookie: s.cookies.getCookieHeader(r.url), jar: new CookieJar() instanceof CookieJar };
      await s.close();
      console.log(JSON.stringify(out));
    } finally {
      server.close();
    }
  `;
  await writeFile(path.join(dir, 'check.mjs'), script);
  return run(process.execPath, ['check.mjs'], dir, 30_000);
}

/** The version in our package.json. */
export async function packageVersion(): Promise<string> {
  return (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function expectedImportCheck(): Promise<unknown> {
  const version = await packageVersion();
  return { version, pkg: version, text: 'hi', cookie: 'JSESSIONID=abc', jar: true };
}

/** `npx sessio --help` in `dir`, never installing from the registry. */
export function runHelp(dir: string): Promise<Ran> {
  return run('npx', ['--no', '--', 'sessio', '--help'], dir, 60_000);
}
