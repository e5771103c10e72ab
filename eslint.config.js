// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['actions/*/dist/**', 'node_modules/**', 'build/**', 'coverage/**', 'examples/**/.venv/**'] },
  js.configs.recommended,
  { rules: { curly: ['error', 'multi-line'] } },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // Tests index into what they just built; a failed assertion already names the problem.
    files: ['test/**/*.ts', 'testkit/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'test/standins/bin/{gcloud,terraform,cloud-sql-proxy,docker}'],
    languageOptions: {
      globals: globals.node,
    },
  },
  {
    // The stand-ins are executables without an extension: lint them as the ES modules they are.
    files: ['test/standins/bin/{gcloud,terraform,cloud-sql-proxy,docker}', 'test/standins/**'],
    languageOptions: { sourceType: 'module' },
  },
);
