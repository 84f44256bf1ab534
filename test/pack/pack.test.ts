/**
 * `npm pack` from a clean clone gives a package that works once installed: it is packed from a copy
 * of the files git knows (no dist/, as in a fresh clone; node_modules linked for the build), installed
 * into an empty project, then imported with Node, run as `npx sessio`, and type-checked as a
 * TypeScript consumer would under `moduleResolution` node16 and bundler.
 */
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ROOT, TSC, describeRun, run, tempDir } from './helpers.js';

const SETUP_MS = 180_000;
/** npm's error codes when the registry cannot be reached (the dependencies are not all in the cache). */
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ETIMEDOUT|ENOTCACHED)\b/;
/** What a package holds at its top level, and nothing else (README, LICENSE and package.json npm adds itself). */
const TOP_LEVEL = ['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'src'];

interface Packed {
  files: string[];
  tarball: string;
}

let work: string;
let packed: Packed;
let consumer: string;
let extracted: string;
let offline: string | undefined;

/** The tracked and untracked-but-not-ignored files: what a clone of this working tree would hold. */
async function copyCleanClone(to: string): Promise<void> {
  const ls = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  if (ls.code !== 0) throw new Error(describeRun('git ls-files (the pack test needs a git checkout)', ls));
  for (const file of ls.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the working tree, not yet staged
    await cp(path.join(ROOT, file), path.join(to, file), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'), 'dir');
  // Left over from an older build in a used checkout; `prepack` must not ship it.
  await mkdir(path.join(to, 'dist'), { recursive: true });
  await writeFile(path.join(to, 'dist/stale-module.js'), 'export {};\n');
}

async function pack(clone: string, out: string): Promise<Packed> {
  const r = await run('npm', ['pack', '--json', '--pack-destination', out], clone, SETUP_MS);
  if (r.code !== 0) throw new Error(describeRun('npm pack', r));
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(out, info!.filename), files: info!.files.map((f) => f.path) };
}

/** Installs the tarball (and the @types/node we build with) into an empty ESM project. */
async function install(dir: string, tarball: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const typesNode = JSON.parse(await readFile(path.join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
  const r = await run('npm', ['install', tarball, `@types/node@${typesNode.version}`, '--prefer-offline', '--no-audit', '--no-fund', '--no-save'], dir, SETUP_MS);
  if (r.code === 0) return undefined;
  if (OFFLINE.test(r.stderr)) return `npm registry unreachable and the dependencies are not all cached (${OFFLINE.exec(r.stderr)![1]})`;
  throw new Error(describeRun('npm install <tarball>', r));
}

beforeAll(async () => {
  work = await tempDir('pack');
  const clone = path.join(work, 'clone');
  await copyCleanClone(clone);
  packed = await pack(clone, work);
  consumer = path.join(work, 'consumer');
  extracted = path.join(work, 'extracted');
  await mkdir(extracted);
  const tar = await run('tar', ['-xzf', packed.tarball, '-C', extracted], work);
  if (tar.code !== 0) throw new Error(describeRun('tar -x', tar));
  offline = await install(consumer, packed.tarball);
  if (offline) console.warn(`[test/pack] SKIPPING the install checks: ${offline}`);
}, SETUP_MS * 2);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function needsInstall(ctx: TestContext): void {
  if (offline) ctx.skip(offline);
}

describe('the tarball', () => {
  it('holds the build, the sources and the docs, and no tests, benchmarks, scratch or stale files', () => {
    const top = [...new Set(packed.files.map((f) => f.split('/')[0]!))].sort();
    expect(top).toEqual(TOP_LEVEL);
    const unwanted = packed.files.filter((f) => /(^|\/)(\.tmp|test|tests|bench|demo|coverage|node_modules)\/|\.(test|bench)\.|\.tsbuildinfo$|(^|\/)\.[^/]+$/.test(f));
    expect(unwanted).toEqual([]);
    expect(packed.files).toContain('dist/index.js');
    expect(packed.files).toContain('dist/index.d.ts');
    expect(packed.files).toContain('dist/cli/main.js');
    // Every compiled module comes from a source that exists now: prepack started from an empty dist/.
    const stale = packed.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !packed.files.includes(`src/${f.slice(5, -3)}.ts`));
    expect(stale).toEqual([]);
  });

  it('has every file package.json points to (main, types, bin, exports)', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const targets = new Set<string>([pkg.main, pkg.types, ...Object.values(pkg.bin as object)].map(String));
    const collect = (v: unknown): void => {
      if (typeof v === 'string') targets.add(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(pkg.exports);
    const missing = [...targets].map((t) => path.posix.normalize(t)).filter((t) => !packed.files.includes(t));
    expect(missing).toEqual([]);
  });

  it('has no source map (JS or declaration) pointing to a file it does not ship', async () => {
    const maps = packed.files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(packed.files.filter((f) => f.endsWith('.js') && f.startsWith('dist/')).length);
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(await readFile(path.join(extracted, 'package', map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const s of sources) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(map), sourceRoot, s));
        if (!packed.files.includes(target)) dangling.push(`${map} -> ${s}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});

describe('the installed package', () => {
  it('imports with Node (ESM) and makes a request through its dependencies', async (ctx) => {
    needsInstall(ctx);
    const script = `
      import http from 'node:http';
      import { Session, CookieJar, VERSION } from 'sessio';
      import pkg from 'sessio/package.json' with { type: 'json' };
      const server = http.createServer((req, res) => { res.setHeader('set-cookie', 'JSESSIONID=abc; Path=/'); res.end('hi'); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const s = new Session({ baseUrl: 'http://127.0.0.1:' + server.address().port });
      const r = await s.get('/');
      const out = { version: VERSION, pkg: pkg.version, text: await r.text(), cookie: s.cookies.getCookieHeader(r.url), jar: new CookieJar() instanceof CookieJar };
      await s.close();
      server.close();
      console.log(JSON.stringify(out));
    `;
    await writeFile(path.join(consumer, 'check.mjs'), script);
    const r = await run(process.execPath, ['check.mjs'], consumer, 30_000);
    expect(r.code, describeRun('node check.mjs', r)).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(r.stdout)).toEqual({ version: pkg.version, pkg: pkg.version, text: 'hi', cookie: 'JSESSIONID=abc', jar: true });
  });

  it('runs as `npx sessio --help`', async (ctx) => {
    needsInstall(ctx);
    const r = await run('npx', ['--no', '--', 'sessio', '--help'], consumer, 60_000);
    expect(r.code, describeRun('npx sessio --help', r)).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sessio /m);
  });

  it.for([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ] as const)('type-checks a TypeScript consumer under moduleResolution %s', async ([name, resolution], ctx) => {
    needsInstall(ctx);
    const source = `
      import { Session, CookieJar, formLogin, SessioError, type SessionOptions } from 'sessio';
      const options: SessionOptions = { timeout: 5_000 };
      await using s = new Session({ ...options, baseUrl: 'http://127.0.0.1:8080', csrf: 'spring', login: formLogin({ url: '/login', username: 'a', password: 'b' }) });
      const r = await s.get('/api/me');
      const status: number = r.status;
      const user: { name: string } = await r.json<{ name: string }>();
      const header: string = new CookieJar().getCookieHeader('http://127.0.0.1/');
      export const used = [status, user, header, SessioError];
      // The types are real, not \`any\`: a wrong option is an error.
      // @ts-expect-error timeout is a number or an object
      new Session({ timeout: 'soon' });
    `;
    await writeFile(path.join(consumer, `consumer-${name}.ts`), source);
    const tsconfig = {
      compilerOptions: { ...resolution, target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'], types: ['node'], strict: true, noEmit: true, skipLibCheck: false },
      files: [`consumer-${name}.ts`],
    };
    await writeFile(path.join(consumer, `tsconfig.${name}.json`), JSON.stringify(tsconfig));
    const r = await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], consumer, 60_000);
    expect(r.code, describeRun(`tsc (${name})`, r)).toBe(0);
  });
});
