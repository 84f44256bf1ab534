import { createRequire } from 'node:module';

// package.json sits two levels above both src/core/ and dist/core/.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** sessio's version, as in package.json. */
export const VERSION: string = pkg.version;
