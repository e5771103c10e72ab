import * as core from '@actions/core';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  DEFAULT_CONTRACT,
  isProduction,
  knownEnvironment,
  loadContract,
  type RuntimeContract,
} from '../lib/contract.js';
import { ConfigurationError } from '../lib/errors.js';
import { parseBoolean, parseChoice, parseDuration, parseKeyValueLines, parseList } from '../lib/parse.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs } from './constants.js';
import { ON_STALE, type OnStale } from './stale.js';

export interface DeployInputs {
  /** Absolute path of the Terraform root. */
  readonly workingDirectory: string;
  readonly environment: string;
  readonly production: boolean;
  /** `repository@sha256:…`, or empty when the stack has no image variable. */
  readonly image: string;
  readonly imageVariable: string;
  readonly allowDevAuthBypass: boolean;
  readonly bypassVariable: string;
  /** Whether the stack declares the bypass variable (Terraform refuses a -var for one it does not). */
  readonly declaresBypass: boolean;
  readonly vars: readonly (readonly [string, string])[];
  readonly varFiles: readonly string[];
  readonly backendConfig: readonly string[];
  readonly contract: RuntimeContract;
  readonly project: string;
  readonly planOnly: boolean;
  readonly allowDestroy: boolean;
  readonly lockTimeout: string;
  readonly timeoutMs: number;
  /** For the stale-commit guard's GitHub API request; registered as a secret. Empty: no guard. */
  readonly githubToken: string;
  readonly onStale: OnStale;
  /** This run's commit (GITHUB_SHA), the repository (GITHUB_REPOSITORY, owner/name) and the API's URL. */
  readonly commit: string;
  readonly repository: string;
  readonly githubApiUrl: string;
}

const get = (name: string): string => core.getInput(name).trim();

const DIGEST_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The image must be an immutable digest reference: deploying a tag could deploy something else. */
export function parseImage(raw: string): string {
  if (DIGEST_REFERENCE.test(raw)) return raw;
  if (/@sha256:/.test(raw)) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is not a valid digest reference; expected REGISTRY/PATH@sha256:<64 hex>, as build-push's image output`,
    );
  }
  throw new ConfigurationError(
    `input "${Inputs.Image}" is "${raw}": a tag is refused, deploy by digest (REGISTRY/PATH@sha256:…, build-push's image output)`,
  );
}

/** The names of the variables the stack's top-level .tf files declare (`variable "<name>" {`). */
export function declaredVariables(directory: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.tf'))) {
    for (const match of readFileSync(join(directory, file), 'utf8').matchAll(
      /^\s*variable\s+"([\w-]+)"\s*\{/gm,
    )) {
      names.add(match[1] ?? '');
    }
  }
  return names;
}

/**
 * The bypass flag as a production run must see it: `false` or nothing, by every route that
 * reaches Terraform before the plan (the input, `vars`, `TF_VAR_*`). The plan check covers the
 * routes only Terraform resolves (`*.auto.tfvars`, `-var-file`).
 */
function assertNoBypassRoute(
  raw: string,
  bypassVariable: string,
  vars: readonly (readonly [string, string])[],
  env: NodeJS.ProcessEnv,
): void {
  const fix = 'the dev auth bypass never reaches production; set it to false or remove it';
  if (raw !== '' && raw.toLowerCase() !== 'false') {
    throw new ConfigurationError(
      `input "${Inputs.AllowDevAuthBypass}" is "${raw}" in a production environment: ${fix}`,
    );
  }
  for (const [name, value] of vars) {
    if (name === bypassVariable && value.trim().toLowerCase() !== 'false') {
      throw new ConfigurationError(
        `input "${Inputs.Vars}" sets ${name}=${value.trim()} in a production environment: ${fix}`,
      );
    }
  }
  const fromEnv = env[`TF_VAR_${bypassVariable}`];
  if (fromEnv !== undefined && fromEnv.trim() !== '' && fromEnv.trim().toLowerCase() !== 'false') {
    throw new ConfigurationError(
      `TF_VAR_${bypassVariable} is "${fromEnv.trim()}" in a production environment: ${fix}`,
    );
  }
}

export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<DeployInputs> {
  // Masked before anything else can print it.
  const githubToken = core.getInput(Inputs.GithubToken).trim();
  registerSecret(githubToken);
  const workspace = env['GITHUB_WORKSPACE'] ?? process.cwd();
  const rawDirectory = get(Inputs.WorkingDirectory);
  if (rawDirectory === '') {
    throw new ConfigurationError(
      `input "${Inputs.WorkingDirectory}" is required: the Terraform root (platform or service stack)`,
    );
  }
  const workingDirectory = isAbsolute(rawDirectory) ? rawDirectory : resolve(workspace, rawDirectory);
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new ConfigurationError(
      `input "${Inputs.WorkingDirectory}" is "${rawDirectory}", which is not a folder in the workspace`,
    );
  }

  const rawContract = get(Inputs.Contract);
  const contract =
    rawContract === ''
      ? DEFAULT_CONTRACT
      : await loadContract(isAbsolute(rawContract) ? rawContract : resolve(workspace, rawContract));

  const environment = get(Inputs.Environment);
  if (environment === '') {
    throw new ConfigurationError(
      `input "${Inputs.Environment}" is required: dev, prod, or an environment the contract declares`,
    );
  }
  if (!knownEnvironment(contract, environment)) {
    const declared = ['dev', 'prod', ...Object.keys(contract.environments)];
    throw new ConfigurationError(
      `input "${Inputs.Environment}" is "${environment}": use one of ${[...new Set(declared)].join(', ')}, or declare it in the contract`,
    );
  }
  const production = isProduction(contract, environment);

  const bypassVariable = get(Inputs.BypassVariable) || 'allow_dev_auth_bypass';
  const imageVariable = get(Inputs.ImageVariable) || 'image';
  for (const [input, value] of [
    [Inputs.BypassVariable, bypassVariable],
    [Inputs.ImageVariable, imageVariable],
  ] as const) {
    if (!VARIABLE_NAME.test(value)) {
      throw new ConfigurationError(`input "${input}" is "${value}": not a Terraform variable name`);
    }
  }
  const vars = parseKeyValueLines(Inputs.Vars, core.getInput(Inputs.Vars)).map(
    ([name, value]) => [name.trim(), value] as const,
  );
  for (const [name] of vars) {
    if (!VARIABLE_NAME.test(name)) {
      throw new ConfigurationError(`input "${Inputs.Vars}": "${name}" is not a Terraform variable name`);
    }
    if (name === imageVariable) {
      throw new ConfigurationError(
        `input "${Inputs.Vars}" sets ${name}: pass the image in input "${Inputs.Image}", which is checked to be a digest`,
      );
    }
  }

  // The production guard comes first: before any other input can fail and before any tool runs.
  const rawBypass = get(Inputs.AllowDevAuthBypass);
  if (production) assertNoBypassRoute(rawBypass, bypassVariable, vars, env);
  const allowDevAuthBypass = parseBoolean(Inputs.AllowDevAuthBypass, rawBypass, false);
  if (vars.some(([name]) => name === bypassVariable)) {
    throw new ConfigurationError(
      `input "${Inputs.Vars}" sets ${bypassVariable}: use input "${Inputs.AllowDevAuthBypass}", so that one value reaches every stack`,
    );
  }

  const rawImage = get(Inputs.Image);
  const image = rawImage === '' ? '' : parseImage(rawImage);
  // Read once: which of the two variables this action passes the stack declares.
  const declared = declaredVariables(workingDirectory);
  const declaresImage = declared.has(imageVariable);
  if (image !== '' && !declaresImage) {
    // Terraform refuses a -var for an undeclared variable; say so before running it.
    throw new ConfigurationError(
      `input "${Inputs.Image}" is set but the stack in ${rawDirectory} declares no variable "${imageVariable}": pass the image only to the service stack, or set input "${Inputs.ImageVariable}"`,
    );
  }
  if (image === '' && declaresImage) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is required: the stack in ${rawDirectory} declares variable "${imageVariable}"; pass build-push's image output (REGISTRY/PATH@sha256:…)`,
    );
  }

  const varFiles = parseList(core.getInput(Inputs.VarFiles));
  for (const file of varFiles) {
    if (!existsSync(resolve(workingDirectory, file))) {
      throw new ConfigurationError(
        `input "${Inputs.VarFiles}": ${file} does not exist (paths are relative to ${rawDirectory})`,
      );
    }
  }
  const lockTimeout = get(Inputs.LockTimeout) || '5m';
  const lockTimeoutMs = parseDuration(Inputs.LockTimeout, lockTimeout);

  return {
    workingDirectory,
    environment,
    production,
    image,
    imageVariable,
    allowDevAuthBypass,
    bypassVariable,
    declaresBypass: declared.has(bypassVariable),
    vars,
    varFiles,
    backendConfig: parseList(core.getInput(Inputs.BackendConfig)),
    contract,
    project: get(Inputs.Project) || env['CLOUDSDK_CORE_PROJECT'] || env['GOOGLE_CLOUD_PROJECT'] || '',
    planOnly: parseBoolean(Inputs.PlanOnly, get(Inputs.PlanOnly), false),
    allowDestroy: parseBoolean(Inputs.AllowDestroy, get(Inputs.AllowDestroy), false),
    lockTimeout: `${Math.ceil(lockTimeoutMs / 1000)}s`,
    timeoutMs: parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '60m'),
    githubToken,
    onStale: parseChoice(Inputs.OnStale, get(Inputs.OnStale), ON_STALE, 'fail'),
    commit: env['GITHUB_SHA']?.trim() ?? '',
    repository: env['GITHUB_REPOSITORY']?.trim() ?? '',
    githubApiUrl: env['GITHUB_API_URL']?.trim() || 'https://api.github.com',
  };
}
