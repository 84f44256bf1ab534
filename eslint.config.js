import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layers of src/, lowest first. A file may import only from its own layer's folders or lower ones
 * (type imports included), so the core never depends on a feature. README "Development" explains them.
 */
const LAYERS = [
  ['core'],
  ['transport', 'cookies', 'auth'],
  ['stages', 'observe'],
  ['features'],
  ['persist'],
  ['session'],
  ['cli'],
];
const layerZones = LAYERS.slice(0, -1).flatMap((folders, i) => folders.map((folder) => ({
  target: `./src/${folder}`,
  from: [...LAYERS.slice(i + 1).flat().map((f) => `./src/${f}`), './src/index.ts'],
  message: `src/${folder} is below these folders in the layer order (see README, Development).`,
})));
/** The CLI is a user of the library like any other: it imports the public API (src/index.ts, src/redis.ts) only. */
const cliZone = {
  target: './src/cli',
  from: './src',
  except: ['./cli', './index.ts', './redis.ts'],
  message: 'src/cli imports the public API only (../index.js); export what it needs from src/index.ts.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', 'test/fixtures/spring/build/', '**/*.java', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, cliZone] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
