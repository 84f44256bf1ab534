// The API reference is generated from the TSDoc (typedoc.json, `npm run docs`); any warning —
// a public type that is not exported, a broken {@link} — fails the build and this test.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('API reference', () => {
  it('builds from the TSDoc without a warning', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sessio-api-'));
    try {
      const { stdout, stderr } = await run(process.execPath, ['node_modules/typedoc/bin/typedoc', '--out', out], { timeout: 170_000 });
      expect(`${stdout}${stderr}`).not.toMatch(/\[warning\]|\[error\]/);
      expect(existsSync(join(out, 'classes', 'Session.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
