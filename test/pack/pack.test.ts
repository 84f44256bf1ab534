/**
 * `npm pack` from a clean clone gives a package that works once installed: it is packed from a copy
 * of the files git knows (node_modules linked for the build, dist/ holding only a stale file), installed
 * into an empty project, then imported with Node, run as `npx sessio`, and type-checked as a
 * TypeScript consumer would under `moduleResolution` node16 and bundler.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ROOT, TSC, copyCleanClone, describeRun, expectedImportCheck, installInto, packageVersion, run, runHelp, runImportCheck, tempDir } from './helpers.js';

const SETUP_MS = 180_000;
/** Per test: a child npm, node or tsc on a machine that may be busy running the other test files. */
const TEST_MS = 120_000;
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

/** A clean clone with a stale build output left in dist/, which `prepack` must not ship. */
async function staleClone(to: string): Promise<void> {
  await copyCleanClone(to, true);
  await mkdir(path.join(to, 'dist'), { recursive: true });
  await writeFile(path.join(to, 'dist/stale-module.js'), 'export {};\n');
}

async function pack(clone: string, out: string): Promise<Packed> {
  const r = await run('npm', ['pack', '--json', '--pack-destination', out], clone, SETUP_MS);
  if (r.code !== 0) throw new Error(describeRun('npm pack', r));
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(out, info!.filename), files: info!.files.map((f) => f.path) };
}

beforeAll(async () => {
  work = await tempDir('pack');
  const clone = path.join(work, 'clone');
  await staleClone(clone);
  packed = await pack(clone, work);
  consumer = path.join(work, 'consumer');
  extracted = path.join(work, 'extracted');
  await mkdir(extracted);
  const tar = await run('tar', ['-xzf', packed.tarball, '-C', extracted], work);
  if (tar.code !== 0) throw new Error(describeRun('tar -x', tar));
  offline = await installInto(consumer, [packed.tarball], SETUP_MS);
  if (offline) console.warn(`[test/pack] SKIPPING the install checks: ${offline}`);
}, SETUP_MS * 2);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function needsInstall(ctx: TestContext): void {
  if (offline) ctx.skip(offline);
}

describe('the tarball', { timeout: TEST_MS }, () => {
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

describe('the installed package', { timeout: TEST_MS }, () => {
  it('imports with Node (ESM) and makes a request through its dependencies', async (ctx) => {
    needsInstall(ctx);
    const r = await runImportCheck(consumer);
    expect(r.code, describeRun('node check.mjs', r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(await expectedImportCheck());
  });

  it('loads with require() where Node can require ES modules', async (ctx) => {
    needsInstall(ctx);
    if (!(process.features as { require_module?: boolean }).require_module) ctx.skip(`Node ${process.version} cannot require() ES modules`);
    const r = await run(process.execPath, ['-e', "const { Session, VERSION } = require('sessio'); console.log(typeof Session, VERSION)"], consumer, 30_000);
    expect(r.code, describeRun('node -e require', r)).toBe(0);
    expect(r.stdout.trim()).toBe(`function ${await packageVersion()}`);
  });

  it('runs as `npx sessio --help`', async (ctx) => {
    needsInstall(ctx);
    const r = await runHelp(consumer);
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
    const r = await run(process.execPath, [TSC, '-p', `tsconfig.${name}.json`], consumer, TEST_MS - 10_000);
    expect(r.code, describeRun(`tsc (${name})`, r)).toBe(0);
  });
});
