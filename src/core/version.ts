// Written by scripts/sync-version.mjs (run by `npm version`): bundles have no package.json to read.
/** sessio's version, as in package.json. */
export const VERSION: string = '0.1.0';
