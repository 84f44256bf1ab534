import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/tls.js';
import { startEchoServer, type Echo } from './helpers/echo.js';
import { runCli } from './helpers/run.js';

let a: TestServer<http.Server>;
let b: TestServer<http.Server>;
let dir: string;
const env = () => ({ XDG_CONFIG_HOME: dir });

beforeAll(async () => {
  a = await startEchoServer();
  b = await startEchoServer();
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-cli-origin-'));
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function echo(args: string[]): Promise<Echo> {
  const run = await runCli(args, { env: env() });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.out) as Echo;
}

describe('remembered headers of a named session', { timeout: 90_000 }, () => {
  it('sends secret headers only to the origin they were given for, plain ones everywhere', async () => {
    await echo(['--session', 'work', `${a.url}/echo`, 'Authorization:Bearer S3CRET-A', 'X-Api-Key:S3CRET-KEY', 'X-Auth-Token:S3CRET-TOK', 'X-Team:blue']);
    const other = await echo(['--session', 'work', `${b.url}/echo`]);
    expect(other.headers.authorization).toBeUndefined();
    expect(other.headers['x-api-key']).toBeUndefined();
    expect(other.headers['x-auth-token']).toBeUndefined();
    expect(other.headers['x-team']).toBe('blue');
    const same = await echo(['--session', 'work', `${a.url}/echo`]);
    expect(same.headers.authorization).toBe('Bearer S3CRET-A');
    expect(same.headers['x-api-key']).toBe('S3CRET-KEY');
    expect(same.headers['x-auth-token']).toBe('S3CRET-TOK');
    const file = JSON.parse(await readFile(path.join(dir, 'sessio', 'sessions', 'work.json'), 'utf8')) as { headers: Record<string, string>; state: { originHeaders: Record<string, Record<string, string>> } };
    expect(file.headers).toEqual({ 'x-team': 'blue' });
    expect(Object.keys(file.state.originHeaders)).toEqual([a.url]);
  });

  it('keeps a secret per origin: a header given for B does not replace the one for A', async () => {
    await echo(['--session', 'two', `${a.url}/echo`, 'Authorization:Bearer FOR-A']);
    await echo(['--session', 'two', `${b.url}/echo`, 'Authorization:Bearer FOR-B']);
    expect((await echo(['--session', 'two', `${a.url}/echo`])).headers.authorization).toBe('Bearer FOR-A');
    expect((await echo(['--session', 'two', `${b.url}/echo`])).headers.authorization).toBe('Bearer FOR-B');
  });
});
