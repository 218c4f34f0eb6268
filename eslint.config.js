// ESLint flat config: ESLint's and typescript-eslint's recommended rules with type information, plus two of
// the project's conventions (named exports only; only src/config reads process.env). Formatting is Prettier's
// job: eslint-config-prettier turns off every rule that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'reports/', 'coverage/', 'tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Root .js config files and scripts/ are outside tsconfig.json's include; lint them with a default project.
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Unused names: the `_` prefix marks a deliberately unused parameter, as tsc's noUnusedParameters does.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Off: an `async` method without `await` is how this code implements a Promise-returning interface
      // (LocalStore's ObjectStore methods, fake actors and runners in tests): a throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // A `let` assigned once, later than closures that read it (a shutdown handler set up before the service it
      // stops exists), is how such wiring reads best.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Named exports only (CONVENTIONS "Shape").
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true } }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts', 'src/config/**'],
    rules: {
      // Configuration is parsed once in src/config.ts; nothing else reads process.env (CONVENTIONS).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration from src/config.ts, not process.env.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Off in tests and benchmarks: they read response bodies as untyped JSON (`await res.json()` is `any`)
      // and assert on them, which is the point of a test; typing every body would add nothing.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tool configuration files must export a default.
    files: ['*.config.ts', '*.config.js'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
