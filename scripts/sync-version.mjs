// Writes package.json's version into src/core/version.ts as a literal. A literal, because a bundled
// copy of sessio has no package.json next to it to read at run time (test/pack/bundle.test.ts).
// `npm version` runs this through the "version" script, so the two never drift; the packaging tests
// check that VERSION equals package.json's version.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const file = new URL('src/core/version.ts', root);
const text = `// Written by scripts/sync-version.mjs (run by \`npm version\`): bundles have no package.json to read.
/** sessio's version, as in package.json. */
export const VERSION: string = ${JSON.stringify(version).replaceAll('"', "'")};
`;
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {
  // not there yet: written below
}
if (current !== text) writeFileSync(file, text);
console.log(`src/core/version.ts: ${version}${current === text ? ' (unchanged)' : ''}`);
