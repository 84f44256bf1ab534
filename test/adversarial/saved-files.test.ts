/**
 * Issue 12, bug 2: saving under faults. A lock without a pid (a save killed before writing it), temp
 * files of killed saves, a folder that does not exist yet, and files that load() refuses: a file sessio
 * cannot read is never overwritten, and no crash leaves anything that blocks or litters later saves.
 */
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, SessionFileError } from '../../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-adv-files-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A session with one cookie, saved to `file` with a short lock wait so that a blocked save fails fast. */
async function saveOne(file: string): Promise<void> {
  await using s = new Session();
  s.cookies.setCookie('sid=fresh', 'http://app.test/');
  await s.save(file, { lock: { timeout: 3_000 } });
}

const DEAD_PID = 2 ** 22 + 12_345; // above Linux's pid_max default: never a running process

describe('saving over what a killed save left', () => {
  it('an empty lock file (killed between creating it and writing its pid) does not block the save', async () => {
    const file = path.join(dir, 'empty-lock.json');
    await writeFile(`${file}.lock`, '');
    const past = new Date(Date.now() - 5_000);
    await utimes(`${file}.lock`, past, past);
    await saveOne(file);
    expect(JSON.parse(await readFile(file, 'utf8')).format).toBe('sessio-session');
    expect(await readdir(dir)).not.toContain('empty-lock.json.lock');
  });

  it('temp files of dead writers are removed by the next save; a live writer\'s are kept', async () => {
    const file = path.join(dir, 'temps.json');
    const dead = [`.temps.json.${DEAD_PID}.0123456789ab.tmp`, `.temps.json.lock.${DEAD_PID}.ba9876543210.tmp`];
    const live = `.temps.json.${process.ppid}.aaaaaaaaaaaa.tmp`;
    for (const name of [...dead, live]) await writeFile(path.join(dir, name), 'partial');
    await saveOne(file);
    const left = await readdir(dir);
    for (const name of dead) expect(left).not.toContain(name);
    expect(left).toContain(live);
  });

  it('saves into a folder that does not exist yet, made owner-only', async () => {
    const file = path.join(dir, 'new', 'deeper', 'made.json');
    await saveOne(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });
});

/** Files load() refuses, each with the error code load() gives. */
const REFUSED: { name: string; doc: unknown; code: string }[] = [
  { name: 'a newer cookie-jar schema', doc: { cookies: { format: 'sessio-cookie-jar', version: 99, cookies: [] } }, code: 'ERR_SESSION_FILE_VERSION' },
  { name: 'a damaged cookie record', doc: { cookies: { format: 'sessio-cookie-jar', version: 1, cookies: [{ name: 42 }] } }, code: 'ERR_SESSION_FILE_CORRUPT' },
  { name: 'a header with CR/LF', doc: { headers: { 'x-evil': 'a\r\nInjected: 1' } }, code: 'ERR_SESSION_FILE_CORRUPT' },
];

describe.each(REFUSED)('a file with $name', ({ doc, code }) => {
  it('is refused by load() and by save() alike, and left byte for byte as it was', async () => {
    const file = path.join(dir, `refused-${code}-${Math.random().toString(36).slice(2)}.json`);
    const text = `${JSON.stringify({ format: 'sessio-session', version: 1, savedAt: '', headers: {}, cookies: null, state: {}, ...(doc as object) })}\n`;
    await writeFile(file, text, { mode: 0o600 });
    const loadError = await Session.load(file).catch((e: unknown) => e);
    expect(loadError).toBeInstanceOf(SessionFileError);
    expect((loadError as SessionFileError).code).toBe(code);
    const saveError = await saveOne(file).catch((e: unknown) => e);
    expect(saveError).toBeInstanceOf(SessionFileError);
    expect((saveError as SessionFileError).code).toBe(code);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});

describe('kill -9 during save, in a loop', () => {
  it('every killed save leaves a loadable file and nothing that blocks or litters the next save', { timeout: 90_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { build } = await import('esbuild');
    const work = await mkdtemp(path.join(dir, 'killed-'));
    // One bundled file starts in a fraction of tsx's time on a loaded machine; two levels below the
    // project, like src/core/, so that its `../../package.json` resolves.
    const script = path.resolve(import.meta.dirname, '../../.tmp/adversarial/save-loop.mjs');
    await build({ entryPoints: [path.join(import.meta.dirname, 'fixtures/save-loop.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: script, logLevel: 'error' });
    const file = path.join(work, 'killed.json');
    const rounds = 8;
    let killedMidSave = 0;
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let saves = 0;
      const wanted = 1 + (round % 3);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('the saving child never started'));
        }, 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          saves += chunk.toString().split('\n').filter(Boolean).length;
          if (saves < wanted) return;
          clearTimeout(timer);
          // A few ms into the save: somewhere in lock, temp write, rename or unlock.
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, round * 3);
        });
      });
      await new Promise((r) => child.once('exit', r));
      if (saves > 0) killedMidSave++;
      await saveOne(file); // 3 s lock wait: a lock left by the killed child must not hold it
      const loaded = await Session.load(file);
      expect(loaded.cookies.getCookieHeader('http://app.test/')).toBe('sid=fresh');
      await loaded.close();
      expect(await readdir(work)).toEqual(['killed.json']);
    }
    console.log(`[adversarial] kill -9 during save: ${killedMidSave}/${rounds} rounds killed mid-save, 0 blocked, 0 leftovers`);
  });
});
