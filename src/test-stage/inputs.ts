import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
import { shown } from '../lib/names.js';
import { parseBoolean, parseDuration, workspaceFolder, workspaceOf, workspacePath } from '../lib/parse.js';
import { Inputs } from './constants.js';

export interface Check {
  /** `lint`, `typecheck` or `test`: the input's name. */
  readonly name: string;
  /** The workflow author's command, run by bash. */
  readonly command: string;
}

export interface TestInputs {
  readonly workspace: string;
  /** Absolute. */
  readonly workingDirectory: string;
  /** In the order lint, typecheck, test; only the ones given. */
  readonly checks: readonly Check[];
  readonly parallel: boolean;
  /** Absolute path of the runtime contract, or empty. */
  readonly contract: string;
  /** Glob of JUnit XML reports relative to the working directory, or empty. */
  readonly junit: string;
  readonly timeoutMs: number;
  /** The import guard does not read a source file larger than this. */
  readonly maxFileBytes: number;
}

export function readInputs(env: NodeJS.ProcessEnv = process.env): TestInputs {
  const workingDirectory = workspaceFolder(
    Inputs.WorkingDirectory,
    core.getInput(Inputs.WorkingDirectory).trim() || '.',
    env,
  );
  const checks = [Inputs.Lint, Inputs.Typecheck, Inputs.Test]
    .map((name) => ({ name, command: core.getInput(name).trim() }))
    .filter((check) => check.command !== '');
  const rawContract = core.getInput(Inputs.Contract).trim();
  const contract = rawContract === '' ? '' : workspacePath(rawContract, env);
  if (checks.length === 0 && contract === '') {
    throw new ConfigurationError(
      `nothing to do: set at least one of the inputs "${Inputs.Lint}", "${Inputs.Typecheck}", "${Inputs.Test}" or "${Inputs.Contract}"`,
    );
  }
  return {
    workspace: workspaceOf(env),
    workingDirectory,
    checks,
    parallel: parseBoolean(Inputs.Parallel, core.getInput(Inputs.Parallel), true),
    contract,
    junit: core.getInput(Inputs.Junit).trim(),
    timeoutMs: parseDuration(Inputs.Timeout, core.getInput(Inputs.Timeout).trim() || '30m'),
    maxFileBytes: parseByteSize(
      Inputs.ImportGuardMaxFileSize,
      core.getInput(Inputs.ImportGuardMaxFileSize).trim() || '4MB',
    ),
  };
}

const BYTE_SIZE = /^(\d+(?:\.\d+)?) ?(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
/** Above this a file's text may not fit in one JavaScript string (about 512 M characters). */
const MAX_BYTE_SIZE = 256 * 1024 ** 2;

/**
 * A size in bytes: a number with `KB`, `MB` or `GB` (any case; also `KiB`, `MiB`, `GiB`; all
 * powers of 1024, as `ls -h` and `du -h` count) or plain bytes, from 1 byte to 256MB.
 */
export function parseByteSize(name: string, raw: string): number {
  const value = raw.trim();
  const match = BYTE_SIZE.exec(value);
  const amount = match?.[1];
  const bytes =
    match === null || amount === undefined
      ? Number.NaN
      : Math.floor(Number(amount) * (UNIT_BYTES[(match[2] ?? 'b').toLowerCase()] ?? Number.NaN));
  if (!Number.isFinite(bytes) || bytes < 1 || bytes > MAX_BYTE_SIZE) {
    throw new ConfigurationError(
      `input "${name}" is ${shown(value)}: use a size from 1 byte to 256MB, such as 4MB, 512KB or 1048576 (bytes)`,
    );
  }
  return bytes;
}

/**
 * What the debug log shows of the inputs: each one named, and its value only where it cannot be
 * a secret. A command may quote one (`--token=${{ secrets.X }}`), so only which checks are set.
 */
export function describeInputs(inputs: TestInputs): unknown {
  const { workspace, workingDirectory, checks, parallel, contract, junit, timeoutMs, maxFileBytes } = inputs;
  return {
    workspace,
    workingDirectory,
    checks: checks.map((check) => `${check.name} (set)`),
    parallel,
    contract,
    junit,
    timeoutMs,
    maxFileBytes,
  };
}
