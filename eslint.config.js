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
const layerZones = LAYERS.flatMap((folders, i) => folders.map((folder) => ({
  target: `./src/${folder}`,
  from: [...LAYERS.slice(i + 1).flat().map((f) => `./src/${f}`), './src/index.ts'],
  message: `src/${folder} is below these folders in the layer order (see README, Development).`,
})));

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
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
