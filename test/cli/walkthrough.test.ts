import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers/run.js';

const exec = promisify(execFile);

describe('demo/walkthrough.ts', { timeout: 120_000 }, () => {
  it('logs in, calls the API, shows the redacted session and re-logs in after expiry', async () => {
    const loader = CLI.slice(0, 2);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FORCE_COLOR;
    const { stdout } = await exec(process.execPath, [...loader, path.join(ROOT, 'demo/walkthrough.ts')], { cwd: ROOT, env, timeout: 110_000 });
    expect(stdout).toMatch(/Logged in to http:\/\/127\.0\.0\.1:\d+ as alice/);
    expect(stdout).toContain('cookie: JSESSIONID=[REDACTED]');
    expect(stdout).toContain('"value": "[REDACTED]"');
    expect(stdout).toMatch(/logins seen by the server: 1 -> 2 {2}\(automatic re-login\)/);
    expect(stdout.match(/\{"user":"alice"\}/g)).toHaveLength(2);
    // The password is in the environment of the steps, never in their output or the session shown.
    expect(stdout).not.toContain('"secret"');
    expect(stdout).not.toMatch(/password\W+secret/i);
    expect(stdout).not.toContain('"password"');
  });
});
