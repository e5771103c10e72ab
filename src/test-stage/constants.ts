/** Input names of actions/test, as in its action.yml. */
export const Inputs = {
  WorkingDirectory: 'working-directory',
  Lint: 'lint',
  Typecheck: 'typecheck',
  Test: 'test',
  Parallel: 'parallel',
  Contract: 'contract',
  Junit: 'junit',
  Timeout: 'timeout',
  ImportGuardMaxFileSize: 'import-guard-max-file-size',
} as const;

/** Output names of actions/test, as in its action.yml. */
export const Outputs = {
  Failed: 'failed',
} as const;

export const STAGE = 'test';

/** The name of the import guard among the checks (in `failed`). */
export const IMPORT_GUARD = 'import-guard';
