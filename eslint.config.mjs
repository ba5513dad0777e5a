// Lint of the whole repository (npm test runs it). typescript-eslint's recommended rules without
// type information (the type check is tsc's), Prettier owns the formatting, and the libs' module
// boundaries are import rules: core imports nothing of ours, the Fetch Service only core, the
// plugin both (and the Fetch Service through its client entry point only).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const nx = ['nx', 'nx/*', '@nx/*'];
const restrict = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });
const testFiles = ['**/*.spec.ts', '**/e2e/**', '**/testing/**', '**/testing.ts'];

/** The plugin imports the public entry points of core (and `extra`), never the Fetch Service's proxy. */
function pluginImports(extra) {
  const entryPoints = ['lockfile', 'layout', 'errors', 'verify', 'progress', 'fetch'].map((e) => `@hermetic/core/${e}`);
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: '@hermetic/fetch-service', message: 'import @hermetic/fetch-service/client: the plugin must not load the proxy' }],
        patterns: [
          { group: ['@hermetic/core/*', ...[...entryPoints, ...extra].map((e) => `!${e}`)], message: 'use the public entry points of @hermetic/core' },
        ],
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', 'coverage/**', '.nx/**', 'apps/demo/mirror*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: testFiles, rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Small functions with one purpose: a long one is split into named steps (tests are exempt).
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: testFiles,
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  { files: ['libs/core/**/*.ts'], ignores: testFiles, rules: restrict(['@hermetic/*', ...nx], 'core is Nx-free and imports nothing of ours') },
  {
    files: ['libs/fetch-service/**/*.ts'],
    ignores: testFiles,
    rules: restrict(['@hermetic/nx', '@hermetic/nx/*', '@hermetic/core/*', ...nx], 'the Fetch Service imports only @hermetic/core (its public entry point)'),
  },
  { files: ['libs/nx-plugin/**/*.ts'], ignores: testFiles, rules: pluginImports([]) },
  // The plugin's `hermetic` bin is the core's CLI (importing it runs it): only there.
  { files: ['libs/nx-plugin/src/bin/*.ts'], rules: pluginImports(['@hermetic/core/cli']) },
  prettier,
);
