/**
 * Installing from a git URL works: npm clones the repository, installs its devDependencies and runs
 * `prepare` (the build) before packing. The repository is a one-commit copy of this working tree, so
 * uncommitted changes are what is tested.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it, type TestContext } from 'vitest';
import { copyCleanClone, describeRun, expectedImportCheck, installInto, run, runHelp, runImportCheck, tempDir } from './helpers.js';

const SETUP_MS = 360_000;

let work: string;
let consumer: string;
let offline: string | undefined;

/**
 * A git repository holding the clean-clone files in one commit. Without node_modules: npm installs
 * into the clone, and a link would let it write into ours.
 */
async function gitRepo(dir: string): Promise<void> {
  await copyCleanClone(dir, false);
  const git = (...args: string[]) => run('git', ['-c', 'user.name=sessio-test', '-c', 'user.email=test@127.0.0.1', '-c', 'commit.gpgsign=false', ...args], dir);
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'snapshot']]) {
    const r = await git(...args);
    if (r.code !== 0) throw new Error(describeRun(`git ${args.join(' ')}`, r));
  }
}

beforeAll(async () => {
  work = await tempDir('git-install');
  const repo = path.join(work, 'repo');
  await gitRepo(repo);
  consumer = path.join(work, 'consumer');
  offline = await installInto(consumer, [`git+${pathToFileURL(repo).href}#main`], SETUP_MS);
  if (offline) console.warn(`[test/pack] SKIPPING the git install checks: ${offline}`);
}, SETUP_MS + 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function needsInstall(ctx: TestContext): void {
  if (offline) ctx.skip(offline);
}

it('is built by `prepare`: the installed package imports and runs', async (ctx) => {
  needsInstall(ctx);
  const r = await runImportCheck(consumer);
  expect(r.code, describeRun('node check.mjs', r)).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(await expectedImportCheck());
}, 90_000);

it('runs as `npx sessio --help`', async (ctx) => {
  needsInstall(ctx);
  const r = await runHelp(consumer);
  expect(r.code, describeRun('npx sessio --help', r)).toBe(0);
  expect(r.stdout).toMatch(/^Usage: sessio /m);
}, 90_000);
