// ESLint flat config: typescript-eslint's recommended rules plus the type-aware ones that catch
// real bugs in async code (a promise nobody awaits, a promise where a callback's result is ignored,
// awaiting a non-promise). Layout is Prettier's job (`npm run lint` runs both), so no style rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Files outside tsconfig.json's project: plain JavaScript, the Vitest 5 entry (type-checked against
// Vitest 5 by its own tsconfig) and the LiveKit example scripts (run from a scratch project by try.sh).
const untyped = ['**/*.js', '**/*.mjs', '**/*.cjs', 'src/vitest5/**', 'scripts/livekit-examples/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.vitest/**', '**/node_modules/**', '**/.venv/**', 'test/peers/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Matcher declarations merge into the runners' interfaces by extending them, with no body.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // `declare global { namespace jest { ... } }` is how @types/jest is augmented.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': 'allow-with-description' }],
      // `_`-prefixed names are deliberately unused (a callback's leading parameters, a rest omit).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests read wire payloads and probe the matcher types with deliberately loose values.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: untyped,
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
