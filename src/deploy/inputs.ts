import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_CONTRACT,
  isProduction,
  knownEnvironment,
  loadContract,
  type RuntimeContract,
} from '../lib/contract.js';
import { ConfigurationError } from '../lib/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseDuration,
  parseKeyValueLines,
  parseList,
  workspaceFolder,
  workspacePath,
} from '../lib/parse.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs } from './constants.js';
import { ON_STALE, type OnStale } from './stale.js';
import { declaredVariables } from './terraform.js';

/** The `vars` lines as ordered name/value pairs. */
export type Vars = readonly (readonly [string, string])[];

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
  readonly vars: Vars;
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

/**
 * The bypass flag as a production run must see it: `false` or nothing, by every route that
 * reaches Terraform before the plan (the input, `vars`, `TF_VAR_*`). The plan check covers the
 * routes only Terraform resolves (`*.auto.tfvars`, `-var-file`).
 */
function assertNoBypassRoute(raw: string, bypassVariable: string, vars: Vars, env: NodeJS.ProcessEnv): void {
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

/** The Terraform root, as given (for messages) and resolved in the workspace. */
interface Stack {
  readonly raw: string;
  readonly directory: string;
}

function readStack(env: NodeJS.ProcessEnv): Stack {
  const raw = get(Inputs.WorkingDirectory);
  if (raw === '') {
    throw new ConfigurationError(
      `input "${Inputs.WorkingDirectory}" is required: the Terraform root (platform or service stack)`,
    );
  }
  return { raw, directory: workspaceFolder(Inputs.WorkingDirectory, raw, env) };
}

async function readContract(env: NodeJS.ProcessEnv): Promise<RuntimeContract> {
  const raw = get(Inputs.Contract);
  return raw === '' ? DEFAULT_CONTRACT : loadContract(workspacePath(raw, env), Inputs.Contract);
}

/** The environment, known to the contract, and whether it is a production one. */
function readEnvironment(contract: RuntimeContract): Pick<DeployInputs, 'environment' | 'production'> {
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
  return { environment, production: isProduction(contract, environment) };
}

/** The names of the two variables this action passes itself, each checked to be one. */
function readVariableNames(): Pick<DeployInputs, 'bypassVariable' | 'imageVariable'> {
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
  return { bypassVariable, imageVariable };
}

/** The `vars` lines: Terraform variable names, and never the image (that one is checked). */
function readVars(imageVariable: string): Vars {
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
  return vars;
}

/**
 * The bypass flag, by its one route (the input). The production guard comes first: before any
 * later input can fail and before any tool runs.
 */
function readBypassFlag(
  production: boolean,
  bypassVariable: string,
  vars: Vars,
  env: NodeJS.ProcessEnv,
): boolean {
  const raw = get(Inputs.AllowDevAuthBypass);
  if (production) assertNoBypassRoute(raw, bypassVariable, vars, env);
  const allowDevAuthBypass = parseBoolean(Inputs.AllowDevAuthBypass, raw, false);
  if (vars.some(([name]) => name === bypassVariable)) {
    throw new ConfigurationError(
      `input "${Inputs.Vars}" sets ${bypassVariable}: use input "${Inputs.AllowDevAuthBypass}", so that one value reaches every stack`,
    );
  }
  return allowDevAuthBypass;
}

/** The image digest reference: given exactly when the stack declares the image variable. */
function readImage(stack: Stack, imageVariable: string, declared: ReadonlySet<string>): string {
  const raw = get(Inputs.Image);
  const image = raw === '' ? '' : parseImage(raw);
  const declaresImage = declared.has(imageVariable);
  if (image !== '' && !declaresImage) {
    // Terraform refuses a -var for an undeclared variable; say so before running it.
    throw new ConfigurationError(
      `input "${Inputs.Image}" is set but the stack in ${stack.raw} declares no variable "${imageVariable}": pass the image only to the service stack, or set input "${Inputs.ImageVariable}"`,
    );
  }
  if (image === '' && declaresImage) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is required: the stack in ${stack.raw} declares variable "${imageVariable}"; pass build-push's image output (REGISTRY/PATH@sha256:…)`,
    );
  }
  return image;
}

/** The var files, each relative to the stack and checked to exist. */
function readVarFiles(stack: Stack): string[] {
  const varFiles = parseList(core.getInput(Inputs.VarFiles));
  for (const file of varFiles) {
    if (!existsSync(resolve(stack.directory, file))) {
      throw new ConfigurationError(
        `input "${Inputs.VarFiles}": ${file} does not exist (paths are relative to ${stack.raw})`,
      );
    }
  }
  return varFiles;
}

/** How the run goes: the project, plan-only, destroys, the deadlines, on-stale and the run's commit. */
function readRunOptions(
  env: NodeJS.ProcessEnv,
): Pick<
  DeployInputs,
  | 'project'
  | 'planOnly'
  | 'allowDestroy'
  | 'lockTimeout'
  | 'timeoutMs'
  | 'onStale'
  | 'commit'
  | 'repository'
  | 'githubApiUrl'
> {
  const lockTimeoutMs = parseDuration(Inputs.LockTimeout, get(Inputs.LockTimeout) || '5m');
  return {
    project: get(Inputs.Project) || env['CLOUDSDK_CORE_PROJECT'] || env['GOOGLE_CLOUD_PROJECT'] || '',
    planOnly: parseBoolean(Inputs.PlanOnly, get(Inputs.PlanOnly), false),
    allowDestroy: parseBoolean(Inputs.AllowDestroy, get(Inputs.AllowDestroy), false),
    lockTimeout: `${Math.ceil(lockTimeoutMs / 1000)}s`,
    timeoutMs: parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '60m'),
    onStale: parseChoice(Inputs.OnStale, get(Inputs.OnStale), ON_STALE, 'fail'),
    commit: env['GITHUB_SHA']?.trim() ?? '',
    repository: env['GITHUB_REPOSITORY']?.trim() ?? '',
    githubApiUrl: env['GITHUB_API_URL']?.trim() || 'https://api.github.com',
  };
}

/** Reads every input, in the order their errors take precedence (the production guard early). */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<DeployInputs> {
  // Masked before anything else can print it.
  const githubToken = get(Inputs.GithubToken);
  registerSecret(githubToken);
  const stack = readStack(env);
  const contract = await readContract(env);
  const { environment, production } = readEnvironment(contract);
  const { bypassVariable, imageVariable } = readVariableNames();
  const vars = readVars(imageVariable);
  const allowDevAuthBypass = readBypassFlag(production, bypassVariable, vars, env);
  // Read once: which of the two variables this action passes the stack declares.
  const declared = declaredVariables(stack.directory);
  const image = readImage(stack, imageVariable, declared);
  const varFiles = readVarFiles(stack);
  return {
    workingDirectory: stack.directory,
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
    githubToken,
    ...readRunOptions(env),
  };
}

/** What the debug log may show of the inputs: the token only as set or empty, no vars values. */
export function describeInputs(inputs: DeployInputs): unknown {
  const { contract, vars, githubToken, ...rest } = inputs;
  return {
    ...rest,
    contract: contract.file || '(default)',
    vars: vars.map(([name]) => `${name}=…`),
    githubToken: githubToken === '' ? '(empty)' : '(set)',
  };
}
