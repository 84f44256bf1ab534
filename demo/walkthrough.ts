/**
 * The README's main-job command: starts the bundled demo server and drives the `sessio` CLI against it
 * as a user would, each step a real subprocess: log in, call the API, show the saved session
 * (redacted), let the server expire the session, call again and watch sessio log in by itself.
 *
 * The CLI runs from source through tsx (no build needed). Sessions go to a throw-away
 * XDG_CONFIG_HOME, so your own saved sessions are never touched.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startDemoServer } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const STEP_TIMEOUT_MS = 30_000;
const tty = process.stdout.isTTY === true;
const bold = (s: string) => (tty && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);

/** Runs `sessio ...args` with the demo's environment; prints the command line and its output. */
function sessio(args: string[], env: NodeJS.ProcessEnv, shown = args): Promise<number> {
  console.log(`\n  ${bold(`$ sessio ${shown.join(' ')}`)}`);
  return new Promise((resolve, reject) => {
    // On a terminal, ask for what a terminal user would see (pretty, coloured JSON).
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...(tty ? ['--pretty', 'all'] : []), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    const indent = (chunk: Buffer) => chunk.toString('utf8').replace(/\n(?!$)/g, '\n    ');
    let atLineStart = true;
    const forward = (chunk: Buffer) => {
      process.stdout.write((atLineStart ? '    ' : '') + indent(chunk));
      atLineStart = chunk.toString('utf8').endsWith('\n');
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!atLineStart) process.stdout.write('\n');
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  const server = await startDemoServer();
  const config = await mkdtemp(path.join(tmpdir(), 'sessio-demo-'));
  // The password comes from the environment, as in a CI job; it is never saved in the session file.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, SESSIO_PASSWORD: 'secret' };
  const step = (n: number, text: string) => console.log(`\n${bold(`${n}. ${text}`)}`);
  const api = `${server.url}/api/me`;
  try {
    console.log(`Demo server (a stand-in for a Spring Security app) on ${server.url}; user alice, password in $SESSIO_PASSWORD`);

    step(1, 'Log in through the HTML form (the hidden _csrf field is read and sent back)');
    if ((await sessio(['login', `${server.url}/login`, '--user', 'alice', '--csrf', 'spring', '--session', 'demo'], env)) !== 0) return 1;

    step(2, 'Call the JSON API with the saved session (-v: headers shown, secrets redacted)');
    if ((await sessio(['--session', 'demo', '-v', api], env)) !== 0) return 1;

    step(3, 'Show the saved session: owner-only file, every secret redacted');
    if ((await sessio(['session', 'show', 'demo'], env)) !== 0) return 1;

    step(4, 'The server expires every session (as its idle timeout would)');
    server.expireSessions();
    console.log('    (server-side sessions cleared)');

    step(5, 'Call the API again: sessio sees the 401, logs in again by itself and replays the call');
    const before = server.logins;
    const code = await sessio(['--session', 'demo', '--check-status', api], env);
    console.log(`\n    logins seen by the server: ${before} -> ${server.logins}${server.logins > before ? '  (automatic re-login)' : ''}`);
    return code === 0 && server.logins === before + 1 ? 0 : 1;
  } finally {
    await server.close();
    await rm(config, { recursive: true, force: true });
  }
}

process.exitCode = await main();
