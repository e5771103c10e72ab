import * as core from '@actions/core';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { parseBoolean, parseDuration } from '../lib/parse.js';
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
  const workspace = env['GITHUB_WORKSPACE'] ?? process.cwd();
  const rawDirectory = core.getInput(Inputs.WorkingDirectory).trim() || '.';
  const workingDirectory = isAbsolute(rawDirectory) ? rawDirectory : resolve(workspace, rawDirectory);
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new ConfigurationError(
      `input "${Inputs.WorkingDirectory}" is "${rawDirectory}", which is not a folder in the workspace`,
    );
  }
  const checks = [Inputs.Lint, Inputs.Typecheck, Inputs.Test]
    .map((name) => ({ name, command: core.getInput(name).trim() }))
    .filter((check) => check.command !== '');
  const rawContract = core.getInput(Inputs.Contract).trim();
  const contract =
    rawContract === '' ? '' : isAbsolute(rawContract) ? rawContract : resolve(workspace, rawContract);
  if (checks.length === 0 && contract === '') {
    throw new ConfigurationError(
      `nothing to do: set at least one of the inputs "${Inputs.Lint}", "${Inputs.Typecheck}", "${Inputs.Test}" or "${Inputs.Contract}"`,
    );
  }
  return {
    workspace,
    workingDirectory,
    checks,
    parallel: parseBoolean(Inputs.Parallel, core.getInput(Inputs.Parallel), true),
    contract,
    junit: core.getInput(Inputs.Junit).trim(),
    timeoutMs: parseDuration(Inputs.Timeout, core.getInput(Inputs.Timeout).trim() || '30m'),
  };
}
