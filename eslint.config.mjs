import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `x as T` / `<T>x` for each type name: a cast that would skip what the type promises. */
const castsTo = (names) =>
  names.map((name) => ({
    selector: `:matches(TSAsExpression, TSTypeAssertion)[typeAnnotation.typeName.name='${name}']`,
    message: `Only the masker (packages/log-intel/src/mask.ts) makes a ${name}: mask the text instead of casting.`,
  }));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/drizzle/**', 'coverage/**', '.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Small files and functions (docs/development.md): source only; tests and test helpers are exempt.
    files: ['packages/**/*.ts', 'services/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Only the masker makes masked text (packages/log-intel/src/mask.ts); source may not fake a masker either.
    files: ['**/*.ts'],
    ignores: ['packages/log-intel/src/mask.ts'],
    rules: { 'no-restricted-syntax': ['error', ...castsTo(['TMaskedText'])] },
  },
  {
    files: ['packages/**/*.ts', 'services/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', 'packages/log-intel/src/mask.ts'],
    rules: { 'no-restricted-syntax': ['error', ...castsTo(['TMaskedText', 'TMasker'])] },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        setTimeout: 'readonly',
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
