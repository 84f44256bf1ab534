#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../index.js';
import { parseCommand } from './args.js';
import { describeError } from './exit.js';
import { HELP } from './help.js';
import { write, type Io } from './io.js';
import { runLogin } from './login.js';
import { runRequest } from './request.js';
import { runSessionCommand } from './session-cmd.js';
import { runCookiesCommand } from './cookies-cmd.js';
import { completionScript } from './completion.js';

/** Runs the `sessio` command line; resolves to the exit code, never throws. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    switch (cmd.kind) {
      case 'help':
        await write(io.stdout, HELP);
        return 0;
      case 'version':
        await write(io.stdout, `sessio ${VERSION}\n`);
        return 0;
      case 'login':
        return await runLogin(cmd, io);
      case 'session':
        return await runSessionCommand(cmd, io);
      case 'cookies':
        return await runCookiesCommand(cmd, io);
      case 'completion':
        await write(io.stdout, completionScript(cmd.shell));
        return 0;
      case 'request':
        return await runRequest(cmd, io);
    }
  } catch (err) {
    const { line, code } = describeError(err, io.stderr, io.env);
    if (line) io.stderr.write(`${line}\n`);
    return code;
  }
}

/** True when this file is the program being run (node dist/cli/main.js, tsx src/cli/main.ts), not imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2));
}
