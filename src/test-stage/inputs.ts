import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.js';
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
  };
}

/**
 * What the debug log shows of the inputs: each one named, and its value only where it cannot be
 * a secret. A command may quote one (`--token=${{ secrets.X }}`), so only which checks are set.
 */
export function describeInputs(inputs: TestInputs): unknown {
  const { workspace, workingDirectory, checks, parallel, contract, junit, timeoutMs } = inputs;
  return {
    workspace,
    workingDirectory,
    checks: checks.map((check) => `${check.name} (set)`),
    parallel,
    contract,
    junit,
    timeoutMs,
  };
}
