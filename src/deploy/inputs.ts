import * as core from '@actions/core';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_CONTRACT,
  devOnlyNames,
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
import type { ServiceRef } from '../lib/cloud-run.js';
import { checkName, projectFromEnvironment, shown } from '../lib/names.js';
import { registerSecret } from '../lib/secrets.js';
import { Inputs, RUNNING_IMAGE } from './constants.js';
import { ON_STALE, type OnStale } from './stale.js';
import { declaredVariables, IAC_TOOLS, takesStructuredValue, type IacTool } from './terraform.js';

/** The `vars` lines as ordered name/value pairs. */
export type Vars = readonly (readonly [string, string])[];

export interface DeployInputs {
  /** Absolute path of the Terraform root. */
  readonly workingDirectory: string;
  readonly environment: string;
  readonly production: boolean;
  /**
   * `repository@sha256:…`, or empty when the stack has no image variable or with
   * `imageFromService` (then the run reads the digest the service runs now).
   */
  readonly image: string;
  /** Input `image` is `running` (plan-only): the digest comes from the service's template. */
  readonly imageFromService: boolean;
  /**
   * The repository (`REGISTRY/PATH`) the image must come from, where the image check looks for
   * its digest; empty when not given (then neither check runs).
   */
  readonly imageRepository: string;
  readonly imageVariable: string;
  readonly allowDevAuthBypass: boolean;
  readonly bypassVariable: string;
  /** Whether the stack declares the bypass variable (Terraform refuses a -var for one it does not). */
  readonly declaresBypass: boolean;
  /** Passed in a private `.tfvars.json` file, never on the command line. */
  readonly vars: Vars;
  /** The `vars` names the stack declares with a structured type (list, map, object, …): their values are JSON. */
  readonly structuredVars: ReadonlySet<string>;
  readonly varFiles: readonly string[];
  readonly backendConfig: readonly string[];
  readonly contract: RuntimeContract;
  /** A project id, checked; empty when neither the input nor the environment names one. */
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
  /** The binary that runs the stack: `terraform` or `tofu` (OpenTofu). */
  readonly tool: IacTool;
  /** Who moves the traffic: `latest` (the new revision takes 100 %) or `hold` (pinned before the apply). */
  readonly traffic: TrafficMode;
  /**
   * The Cloud Run service the stack manages (checked names; the project is `project`), whose
   * traffic this run reads and moves; undefined when input `service` is empty.
   */
  readonly service: ServiceRef | undefined;
  /** Where the report JSON goes (an absolute path); empty: no report. */
  readonly reportFile: string;
}

/** The values of input `traffic`. */
export const TRAFFIC_MODES = ['latest', 'hold'] as const;
export type TrafficMode = (typeof TRAFFIC_MODES)[number];

const get = (name: string): string => core.getInput(name).trim();

/** An image name (registry, port, lower-case path) as the OCI distribution spec has it. */
const IMAGE_NAME = '[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*';
const DIGEST_REFERENCE = new RegExp(`^(${IMAGE_NAME})@sha256:[a-f0-9]{64}$`);
const TAG_REFERENCE = new RegExp(`^${IMAGE_NAME}:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`);
/** The distribution spec's longest name (registry and path). */
const MAX_IMAGE_NAME = 255;
/** Terraform's identifier rule, which a variable name follows. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Whether `raw` is a digest reference (`REGISTRY/PATH@sha256:<64 hex>`) as input `image` takes it. */
export function isDigestReference(raw: string): boolean {
  const digest = DIGEST_REFERENCE.exec(raw);
  return digest !== null && (digest[1] ?? '').length <= MAX_IMAGE_NAME;
}

/** The image must be an immutable digest reference: deploying a tag could deploy something else. */
export function parseImage(raw: string): string {
  const digest = DIGEST_REFERENCE.exec(raw);
  if (digest !== null && (digest[1] ?? '').length <= MAX_IMAGE_NAME) return raw;
  if (/@sha256:/.test(raw)) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${shown(raw)}, which is not a valid digest reference: expected REGISTRY/PATH@sha256:<64 hex> (lower case, a name of at most ${MAX_IMAGE_NAME} characters), as build-push's image output`,
    );
  }
  if (TAG_REFERENCE.test(raw)) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${shown(raw)}: a tag is refused, deploy by digest (REGISTRY/PATH@sha256:…, build-push's image output)`,
    );
  }
  throw new ConfigurationError(
    `input "${Inputs.Image}" is ${shown(raw)}, which is not an image reference: deploy by digest (REGISTRY/PATH@sha256:<64 hex>, build-push's image output)`,
  );
}

const REPOSITORY_NAME = new RegExp(`^${IMAGE_NAME}$`);

/**
 * The repository an image must come from: `REGISTRY/PATH`, without tag or digest, as
 * build-push's `image` input (the pipeline passes the same value to both).
 */
export function parseImageRepository(raw: string): string {
  const fix = `give the repository without tag or digest, REGISTRY/PATH (lower case), as build-push's input "image", e.g. europe-west1-docker.pkg.dev/acme/services/api`;
  if (raw.includes('@')) {
    throw new ConfigurationError(
      `input "${Inputs.ImageRepository}" is ${shown(raw)}, which holds a digest: ${fix}`,
    );
  }
  if (REPOSITORY_NAME.test(raw) && raw.includes('/') && raw.length <= MAX_IMAGE_NAME) return raw;
  const why =
    TAG_REFERENCE.test(raw) && raw.includes('/') ? ', which holds a tag' : ', which is not a repository name';
  throw new ConfigurationError(`input "${Inputs.ImageRepository}" is ${shown(raw)}${why}: ${fix}`);
}

/** The repository part of a digest reference: `REGISTRY/PATH@sha256:…` → `REGISTRY/PATH`. */
export const repositoryOf = (image: string): string => image.slice(0, image.lastIndexOf('@'));

/**
 * The image from its repository: a digest reference outside `image-repository` is refused
 * before any tool runs, so that no other image (`docker.io/evil/api@sha256:…`) is deployed.
 */
function readImageRepository(image: string): string {
  const raw = get(Inputs.ImageRepository);
  if (raw === '') return '';
  const repository = parseImageRepository(raw);
  if (image !== '' && repositoryOf(image) !== repository) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${image}, which is not in repository ${repository} (input "${Inputs.ImageRepository}"): deploy the image build-push pushed there (its output "image"), or correct "${Inputs.ImageRepository}"; nothing was planned`,
    );
  }
  return repository;
}

/** Values that carry nothing: an unset flag. */
const isOffValue = (value: string): boolean => value === '' || value.toLowerCase() === 'false';

/**
 * A production job must not even see a dev-only value: the contract's dev-only variables and
 * their `TF_VAR_` forms (names trimmed, any case) in this step's environment fail it before any
 * tool runs. A dev-only plain flag may be empty or `false`; a dev-only secret may only be empty.
 * The error names the variables, never their values (a secret one is registered first).
 */
export function assertNoDevOnlyValues(contract: RuntimeContract, env: NodeJS.ProcessEnv): void {
  const secrets = new Set(contract.env.devOnlySecrets.map((name) => name.trim().toUpperCase()));
  const watched = new Map<string, string>();
  for (const name of devOnlyNames(contract)) {
    const upper = name.trim().toUpperCase();
    watched.set(upper, upper);
    watched.set(`TF_VAR_${upper}`, upper);
  }
  const found: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    const devOnly = watched.get(key.trim().toUpperCase());
    if (devOnly === undefined || value === undefined) continue;
    const secret = secrets.has(devOnly);
    if (secret) registerSecret(value);
    if (secret ? value.trim() === '' : isOffValue(value.trim())) continue;
    found.push(
      key === devOnly
        ? shown(key)
        : `${shown(key)} (the dev-only ${secret ? 'secret' : 'variable'} ${devOnly})`,
    );
  }
  if (found.length === 0) return;
  throw new ConfigurationError(
    `this production job's environment holds dev-only ${found.length === 1 ? 'variable' : 'variables'} ${found.join(', ')} (value not shown): a dev-only value must never be visible in a production job; remove it from the env of the workflow, job and step (and from the runner's environment); nothing was run`,
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
      `input "${Inputs.AllowDevAuthBypass}" is ${shown(raw)} in a production environment: ${fix}`,
    );
  }
  for (const [name, value] of vars) {
    if (name === bypassVariable && value.trim().toLowerCase() !== 'false') {
      throw new ConfigurationError(
        `input "${Inputs.Vars}" sets ${name} to ${shown(value.trim())} in a production environment: ${fix}`,
      );
    }
  }
  const fromEnv = env[`TF_VAR_${bypassVariable}`];
  if (fromEnv !== undefined && fromEnv.trim() !== '' && fromEnv.trim().toLowerCase() !== 'false') {
    throw new ConfigurationError(
      `TF_VAR_${bypassVariable} is ${shown(fromEnv.trim())} in a production environment: ${fix}`,
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
      `input "${Inputs.Environment}" is ${shown(environment)}: use one of ${[...new Set(declared)].join(', ')}, or declare it in the contract`,
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
      throw new ConfigurationError(
        `input "${input}" is ${shown(value)}: not a Terraform variable name (a letter or _, then letters, digits, _ and -)`,
      );
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
      throw new ConfigurationError(
        `input "${Inputs.Vars}": ${shown(name)} is not a Terraform variable name (a letter or _, then letters, digits, _ and -); write one name=value a line`,
      );
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

/**
 * The `vars` against the stack's variables: each name must be declared (Terraform only warns of
 * an undeclared one in a variables file, and this action does not print the plan's warnings),
 * and a structured variable (list, map, object, …) takes a JSON value, since the file passes it
 * as JSON, not as the HCL that `-var` would parse. Returns the names of the structured ones.
 */
function checkVarsAgainstStack(
  stack: Stack,
  vars: Vars,
  declared: ReadonlyMap<string, string | undefined>,
): ReadonlySet<string> {
  const structured = new Set<string>();
  for (const [name, value] of vars) {
    if (!declared.has(name)) {
      throw new ConfigurationError(
        `input "${Inputs.Vars}" sets ${shown(name)}, which the stack in ${stack.raw} does not declare: check the name, or add a variable "${name}" block`,
      );
    }
    const type = declared.get(name);
    if (!takesStructuredValue(type)) continue;
    try {
      JSON.parse(value);
    } catch {
      throw new ConfigurationError(
        `input "${Inputs.Vars}" sets ${name}, which the stack declares with the structured type ${type ?? ''}: give its value as JSON on one line (${name}={"key": "value"} or ${name}=["a", "b"]), or set it in a file of input "${Inputs.VarFiles}"`,
      );
    }
    structured.add(name);
  }
  return structured;
}

/**
 * The project of the secret preflight: the input, else gcloud's and Google's environment
 * variables; each checked to be a project id before it reaches a request's path.
 */
function readProject(env: NodeJS.ProcessEnv): string {
  const given = get(Inputs.Project);
  if (given !== '') return checkName('project', Inputs.Project, given);
  return projectFromEnvironment(Inputs.Project, env);
}

/**
 * The image digest reference: given exactly when the stack declares the image variable; or
 * `running` (the digest is read from the service later; its rules in `checkRunningImage`).
 */
function readImage(
  stack: Stack,
  imageVariable: string,
  declared: ReadonlyMap<string, string | undefined>,
): Pick<DeployInputs, 'image' | 'imageFromService'> {
  const raw = get(Inputs.Image);
  const declaresImage = declared.has(imageVariable);
  if (raw === RUNNING_IMAGE) {
    if (!declaresImage) {
      throw new ConfigurationError(
        `input "${Inputs.Image}" is ${RUNNING_IMAGE} but the stack in ${stack.raw} declares no variable "${imageVariable}": leave "${Inputs.Image}" empty for a stack without the image (the platform stack), or set input "${Inputs.ImageVariable}"`,
      );
    }
    return { image: '', imageFromService: true };
  }
  const image = raw === '' ? '' : parseImage(raw);
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
  return { image, imageFromService: false };
}

/**
 * `image: running` plans what runs now, so only plan-only may use it (an apply deploys a digest
 * build-push pushed), and it needs the service to read it from (`service`, `region`, `project`).
 */
export function checkRunningImage(planOnly: boolean, service: ServiceRef | undefined): void {
  if (!planOnly) {
    throw new ConfigurationError(
      `input "${Inputs.Image}" is ${RUNNING_IMAGE}, which only a plan may use: set "${Inputs.PlanOnly}: true", or deploy a digest (build-push's image output, REGISTRY/PATH@sha256:…)`,
    );
  }
  if (service === undefined) {
    throw new ConfigurationError(
      `input "${Inputs.Service}" is required with ${Inputs.Image}: ${RUNNING_IMAGE}: name the Cloud Run service (and its "${Inputs.Region}") whose running digest the plan uses`,
    );
  }
}

/**
 * Where the report goes: a file path in the workspace (or absolute), never a folder; its folder
 * is created when the report is written.
 */
export function parseReportFile(raw: string, env: NodeJS.ProcessEnv = process.env): string {
  if (raw === '') return '';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw) || raw.endsWith('/')) {
    throw new ConfigurationError(
      `input "${Inputs.ReportFile}" is ${shown(raw)}, which is not a file path: give one path on one line, e.g. reports/plan-dev-service.json`,
    );
  }
  const path = workspacePath(raw, env);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new ConfigurationError(
      `input "${Inputs.ReportFile}" is ${shown(raw)}, which is a folder: give a file path inside it, e.g. ${raw}/plan.json`,
    );
  }
  return path;
}

/** The var files, each relative to the stack and checked to exist. */
function readVarFiles(stack: Stack): string[] {
  const varFiles = parseList(core.getInput(Inputs.VarFiles));
  for (const file of varFiles) {
    if (!existsSync(resolve(stack.directory, file))) {
      throw new ConfigurationError(
        `input "${Inputs.VarFiles}": ${shown(file)} does not exist (paths are relative to ${stack.raw})`,
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
  | 'tool'
> {
  const lockTimeoutMs = parseDuration(Inputs.LockTimeout, get(Inputs.LockTimeout) || '5m');
  return {
    project: readProject(env),
    planOnly: parseBoolean(Inputs.PlanOnly, get(Inputs.PlanOnly), false),
    allowDestroy: parseBoolean(Inputs.AllowDestroy, get(Inputs.AllowDestroy), false),
    lockTimeout: `${Math.ceil(lockTimeoutMs / 1000)}s`,
    timeoutMs: parseDuration(Inputs.Timeout, get(Inputs.Timeout) || '60m'),
    onStale: parseChoice(Inputs.OnStale, get(Inputs.OnStale), ON_STALE, 'fail'),
    commit: env['GITHUB_SHA']?.trim() ?? '',
    repository: env['GITHUB_REPOSITORY']?.trim() ?? '',
    githubApiUrl: env['GITHUB_API_URL']?.trim() || 'https://api.github.com',
    tool: parseChoice(Inputs.Tool, get(Inputs.Tool), IAC_TOOLS, 'terraform'),
  };
}

/**
 * Input `traffic` and the service it acts on: `service` and `region` each checked by its name
 * rule; a service needs its region and a project (`project`, else the auth action's variables);
 * `hold` needs the service. Errors name the input and the fix, before anything runs.
 */
export function parseTrafficInputs(
  raw: { traffic: string; service: string; region: string },
  project: string,
): Pick<DeployInputs, 'traffic' | 'service'> {
  const traffic = parseChoice(Inputs.Traffic, raw.traffic, TRAFFIC_MODES, 'latest');
  const service = raw.service === '' ? '' : checkName('service', Inputs.Service, raw.service);
  const region = raw.region === '' ? '' : checkName('region', Inputs.Region, raw.region);
  if (service === '') {
    if (traffic === 'hold') {
      throw new ConfigurationError(
        `input "${Inputs.Service}" is required with ${Inputs.Traffic}: hold: name the Cloud Run service the stack manages (and its "${Inputs.Region}"), so that its traffic can be pinned before the apply`,
      );
    }
    if (region !== '') {
      throw new ConfigurationError(
        `input "${Inputs.Region}" is set but input "${Inputs.Service}" is empty: name the Cloud Run service of that region, or leave both empty`,
      );
    }
    return { traffic, service: undefined };
  }
  if (region === '') {
    throw new ConfigurationError(
      `input "${Inputs.Region}" is required with input "${Inputs.Service}": the region of service ${service} (e.g. europe-west1)`,
    );
  }
  if (project === '') {
    throw new ConfigurationError(
      `input "${Inputs.Project}" is required with input "${Inputs.Service}": the project of service ${service} (or run google-github-actions/auth, which exports it)`,
    );
  }
  return { traffic, service: { project, region, service } };
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
  // After the bypass routes (their own messages), before anything runs.
  if (production) assertNoDevOnlyValues(contract, env);
  // Read once: the variables the stack declares, for the image, the bypass flag and the vars.
  const declared = declaredVariables(stack.directory);
  const { image, imageFromService } = readImage(stack, imageVariable, declared);
  const imageRepository = readImageRepository(image);
  const structuredVars = checkVarsAgainstStack(stack, vars, declared);
  const varFiles = readVarFiles(stack);
  const options = readRunOptions(env);
  const trafficControl = parseTrafficInputs(
    { traffic: get(Inputs.Traffic), service: get(Inputs.Service), region: get(Inputs.Region) },
    options.project,
  );
  if (imageFromService) checkRunningImage(options.planOnly, trafficControl.service);
  const reportFile = parseReportFile(get(Inputs.ReportFile), env);
  return {
    workingDirectory: stack.directory,
    environment,
    production,
    image,
    imageFromService,
    imageRepository,
    imageVariable,
    allowDevAuthBypass,
    bypassVariable,
    declaresBypass: declared.has(bypassVariable),
    vars,
    structuredVars,
    varFiles,
    backendConfig: parseList(core.getInput(Inputs.BackendConfig)),
    contract,
    githubToken,
    ...options,
    ...trafficControl,
    reportFile,
  };
}

/**
 * What the debug log may show of the inputs, an allow-list: names, paths, flags and checked
 * values; of the free text that can hold a secret, only its shape (the vars and the backend
 * settings by name, the token as set or empty, the API URL without its query).
 */
export function describeInputs(inputs: DeployInputs): unknown {
  return {
    workingDirectory: inputs.workingDirectory,
    environment: inputs.environment,
    production: inputs.production,
    image: inputs.imageFromService ? RUNNING_IMAGE : inputs.image,
    imageFromService: inputs.imageFromService,
    imageRepository: inputs.imageRepository,
    imageVariable: inputs.imageVariable,
    allowDevAuthBypass: inputs.allowDevAuthBypass,
    bypassVariable: inputs.bypassVariable,
    declaresBypass: inputs.declaresBypass,
    vars: inputs.vars.map(([name]) => `${name}=…`),
    structuredVars: [...inputs.structuredVars],
    varFiles: inputs.varFiles,
    backendConfig: inputs.backendConfig.map((entry) =>
      entry.includes('=') ? `${entry.slice(0, entry.indexOf('='))}=…` : entry,
    ),
    contract: inputs.contract.file || '(default)',
    project: inputs.project,
    planOnly: inputs.planOnly,
    allowDestroy: inputs.allowDestroy,
    lockTimeout: inputs.lockTimeout,
    timeoutMs: inputs.timeoutMs,
    githubToken: inputs.githubToken === '' ? '(empty)' : '(set)',
    onStale: inputs.onStale,
    commit: inputs.commit,
    repository: inputs.repository,
    githubApiUrl: withoutQuery(inputs.githubApiUrl),
    tool: inputs.tool,
    traffic: inputs.traffic,
    service: inputs.service === undefined ? '' : inputs.service,
    reportFile: inputs.reportFile,
  };
}

/** A URL's origin and path: a query or a user part could hold a token. */
function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search === '' && parsed.username === '' ? '' : ' (query or user part left out)'}`;
  } catch {
    return '(set, not a URL)';
  }
}
