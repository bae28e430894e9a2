import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // templates/ holds {{placeholders}} (not valid TypeScript until rendered): test/templates lints the rendered files.
  { ignores: ['**/dist/**', '**/node_modules/**', 'oclif.manifest.json', 'test-results/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Test fixtures and plugin fixtures are plain programs that may log to stderr.
    files: ['test/fixtures/**', 'cli/bin/**'],
    rules: { 'no-console': 'off' },
  },
);
