// ESLint (flat config): the recommended JavaScript and TypeScript rules over everything we write.
// `npm run lint`; .ci/run runs it.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', '.test-build/**', 'node_modules/**', 'dashboard/node_modules/**', 'dashboard/resources/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are compile errors already (noUnusedLocals); `_name` marks an intended one.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import x = require()` is how a module written with `export =` (a Node-RED node) is imported.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // Node-RED calls a node's constructor with `this` as the node: `const node = this` is the idiom.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `const WebSocket = require('ws')` names the module as its docs do.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    // Scripts the editor loads in the browser.
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    // The Dashboard widget's Node-RED node (dashboard/ is its own package, plain JavaScript).
    files: ['dashboard/nodes/**/*.js'],
    rules: { '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }] },
  },
  {
    // The widget's browser code: ES modules bundled by Vite.
    files: ['dashboard/ui/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    // The capture processor runs in an AudioWorkletGlobalScope, loaded as a classic script.
    files: ['dashboard/ui/capture/mic-worklet.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.audioWorklet } },
  },
);
