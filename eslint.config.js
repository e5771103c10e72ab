// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `import { getInput } from '@actions/core'` would get around the property rule below. */
const INPUT_READER_IMPORT = {
  selector: 'ImportSpecifier[imported.name=/^get(Boolean|Multiline)?Input$/]',
  message: 'Inputs are read only in src/<stage>/inputs.ts.',
};
/**
 * `import('../x.js')` would get around the import rules (they read static imports only).
 * @param {string} pattern an esquery regular expression for the specifier
 * @param {string} message
 */
const dynamicImport = (pattern, message) => ({
  selector: `ImportExpression[source.value=${pattern}]`,
  message,
});
const STAGE_DYNAMIC_IMPORT = dynamicImport(
  '/^\\.\\.\\/(?!lib\\/)/',
  'A stage imports no other stage: move what both need into src/lib.',
);
const LIB_DYNAMIC_IMPORT = dynamicImport(
  '/^\\.\\.\\//',
  'src/lib imports no stage: it serves every stage and knows none.',
);
/** From src/<stage>/: anything above it but src/lib. */
const OTHER_STAGES = {
  group: ['../*', '!../lib'],
  message: 'A stage imports no other stage: move what both need into src/lib.',
};

const INPUT_READERS = ['getInput', 'getBooleanInput', 'getMultilineInput'].map((property) => ({
  object: 'core',
  property,
  message: 'Inputs are read only in src/<stage>/inputs.ts: add the input there and pass its value on.',
}));

const SET_OUTPUT_IMPORT = {
  selector: "ImportSpecifier[imported.name='setOutput']",
  message: 'Outputs are set only through setCheckedOutput (src/lib/outputs.ts).',
};

const SET_OUTPUT = {
  object: 'core',
  property: 'setOutput',
  message:
    'Outputs are set only through setCheckedOutput (src/lib/outputs.ts), which checks the value against its form.',
};

/**
 * The design's walls (DESIGN.md "Layout"): only src/<stage>/inputs.ts reads inputs, only
 * src/lib/outputs.ts sets outputs, src/lib
 * imports no stage, and no stage imports another (what two stages share lives in src/lib).
 * Exported for test/lint-rules.test.ts, which shows each one trips.
 * @type {import('eslint').Linter.Config[]}
 */
export const designWalls = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/*/inputs.ts'],
    rules: {
      'no-restricted-properties': ['error', ...INPUT_READERS, SET_OUTPUT],
      'no-restricted-syntax': ['error', INPUT_READER_IMPORT, SET_OUTPUT_IMPORT, STAGE_DYNAMIC_IMPORT],
      'no-restricted-imports': ['error', { patterns: [OTHER_STAGES] }],
    },
  },
  {
    files: ['src/*/inputs.ts'],
    rules: {
      'no-restricted-properties': ['error', SET_OUTPUT],
      'no-restricted-syntax': ['error', SET_OUTPUT_IMPORT, STAGE_DYNAMIC_IMPORT],
      'no-restricted-imports': ['error', { patterns: [OTHER_STAGES] }],
    },
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', INPUT_READER_IMPORT, SET_OUTPUT_IMPORT, LIB_DYNAMIC_IMPORT],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'src/lib imports no stage: it serves every stage and knows none.' },
          ],
        },
      ],
    },
  },
  {
    // The one place an output is set, after its value was checked against its form.
    files: ['src/lib/outputs.ts'],
    rules: {
      'no-restricted-properties': ['error', ...INPUT_READERS],
      'no-restricted-syntax': ['error', INPUT_READER_IMPORT, LIB_DYNAMIC_IMPORT],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'actions/*/dist/**',
      'actions/*/dist.next/**',
      'node_modules/**',
      'build/**',
      'coverage/**',
      'examples/**/.venv/**',
    ],
  },
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
  ...designWalls,
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
