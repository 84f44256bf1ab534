// Every code block of the README runs: TypeScript blocks as programs (with `sessio` imported from
// the source), `sessio …` lines of shell blocks through the CLI, all against the bundled demo server,
// whose address replaces the README's 127.0.0.1:8080. A block that fails shows its output.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../demo/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SRC = pathToFileURL(join(ROOT, 'src/index.ts')).href;
const SRC_REDIS = pathToFileURL(join(ROOT, 'src/redis.ts')).href;
/** The README's imports of the package, pointed at the source. */
const fromSource = (code: string) => code.replace(/from 'sessio\/redis'/g, `from '${SRC_REDIS}'`).replace(/from 'sessio'/g, `from '${SRC}'`);

interface Block { lang: string; code: string; line: number }

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(\w*)[^\n]*\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) blocks.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split('\n').length });
  return blocks;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, args, { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}`, stdout });
    });
    child.stdin?.end(); // as at a terminal with nothing typed: the CLI reads a piped stdin as the body

  });
}

const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const programs = blocks.filter((b) => b.lang === 'ts');
const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => b.code.split('\n')
  .map((text, i) => ({ text: text.replace(/\s+#.*$/, '').trim(), line: b.line + 1 + i }))
  .filter((c) => c.text.startsWith('sessio ')));

let demo: DemoServer;
let dir: string;
const withDemo = (code: string) => code.replaceAll('http://127.0.0.1:8080', demo.url).replaceAll(':8080', `:${demo.port}`);

beforeAll(async () => {
  demo = await startDemoServer();
  dir = mkdtempSync(join(tmpdir(), 'sessio-readme-'));
});
afterAll(async () => {
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README', () => {
  it('has TypeScript examples and CLI lines to run', () => {
    expect(programs.length).toBeGreaterThanOrEqual(5);
    expect(commands.length).toBeGreaterThanOrEqual(3);
  });

  it.each(programs.map((b) => [b.line, b] as const))('the TypeScript block at line %i runs', async (_line, block) => {
    const file = join(dir, `block-${block.line}.mts`);
    writeFileSync(file, fromSource(withDemo(block.code)));
    const { code, out } = await run(['--import', TSX, file], dir, { REDIS_URL: 'redis://127.0.0.1:1', PW: 'secret' });
    expect(out).not.toMatch(/Error|Warning/);
    expect({ code, out }).toMatchObject({ code: 0 });
  }, 70_000);

  it('the first example logs in to the demo (formLogin + csrf) and posts with the token', async () => {
    const before = demo.logins;
    const first = programs[0]!;
    expect(first.code).toMatch(/formLogin/);
    expect(first.code).toMatch(/csrf: 'spring'/);
    const file = join(dir, 'first.mts');
    writeFileSync(file, fromSource(withDemo(first.code)));
    const { code, out } = await run(['--import', TSX, file], dir, {});
    expect(code).toBe(0);
    expect(out).toMatch(/^alice 201 true /m);
    expect(out).toMatch(/^JSESSIONID=/m);
    expect(out).toMatch(/^Session\(baseUrl=http:\/\/127\.0\.0\.1:\d+\/?, cookies=1, csrf=spring, login=form\)$/m);
    expect(demo.logins).toBe(before + 1);
  }, 70_000);

  it('the CLI lines run in order, each exiting 0', async () => {
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), SESSIO_PASSWORD: 'secret', NO_COLOR: '1' };
    for (const c of commands) {
      const [command, target] = withDemo(c.text).split(/\s+>\s+/);
      const args = command!.split(/\s+/).slice(1);
      const { code, out, stdout } = await run(['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], dir, env);
      if (target !== undefined) writeFileSync(join(dir, target), stdout); // `sessio … > file`
      expect(code, `README line ${c.line}: ${c.text}\n${out}`).toBe(0);
      if (/ :\d+\/api\/me$/.test(withDemo(c.text))) expect(out).toContain('"alice"'); // logged in, not a 401 page
    }
  }, 180_000);
});
