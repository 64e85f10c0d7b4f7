// Lint for the whole code base (part of `npm test`): ESLint's and typescript-eslint's recommended rules,
// without type information (fast enough to run on every test run), plus the project's own rules below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'native/**', 'data/**', 'demo/**', 'bench/lab/**', 'coverage/**'] },
  // A directive for a rule this config switches off (no-control-regex) is harmless, not an error.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
        fetch: 'readonly', performance: 'readonly', crypto: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly',
        Response: 'readonly', Request: 'readonly', Headers: 'readonly', NodeJS: 'readonly', globalThis: 'readonly',
      },
    },
    rules: {
      // Unused names are usually leftovers; a leading underscore marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `catch {}` with a comment saying why is how this code base ignores an expected failure.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // This code base matches control characters on purpose: it strips them from input and output.
      'no-control-regex': 'off',
    },
  },
  {
    // Migrations see the database as it was when they were written, not as schema.ts describes it now;
    // tests and benchmarks poke at parsed JSON of any shape.
    files: ['src/store/migrations/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly', window: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly', localStorage: 'readonly',
        HTMLElement: 'readonly', HTMLImageElement: 'readonly', HTMLInputElement: 'readonly', HTMLFormElement: 'readonly', Element: 'readonly',
        Event: 'readonly', KeyboardEvent: 'readonly', IntersectionObserver: 'readonly', requestAnimationFrame: 'readonly', FormData: 'readonly',
      },
    },
  },
  {
    // Where answers and exit codes come from: failures a person can cause are catalogue errors
    // (AppError with a code from src/errors.ts); `new Error` is for programming errors only, marked so.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'Throw AppError with a catalogue code (src/errors.ts). For a programming error, say so: // eslint-disable-next-line no-restricted-syntax -- programming error: …',
        },
      ],
    },
  },
);
