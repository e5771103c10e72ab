import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactedTail, runTool, ToolError, type ToolOptions, type ToolResult } from '../lib/exec.js';
import { CancelledError, ConfigurationError } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { shown } from '../lib/names.js';
import { redact } from '../lib/secrets.js';
import { Inputs } from './constants.js';
import type { DeployInputs, Vars } from './inputs.js';

/**
 * The infrastructure-as-code tools deploy runs: Terraform or OpenTofu. The commands deploy uses
 * (`init`, `plan -detailed-exitcode -out`, `show -json`, `apply -json`, `output -json`), their
 * exit codes, the plan's JSON format and the texts deploy reads (`Error acquiring the state
 * lock`, `Saved plan is stale`, `input variable "x" is not set`, the interrupt texts) are the
 * same in both; what differs is the binary's name, the product's name in its messages
 * (`OpenTofu v1.12.6`, `OpenTofu acquires a state lock …`) and the JSON UI's version message.
 */
export const IAC_TOOLS = ['terraform', 'tofu'] as const;
export type IacTool = (typeof IAC_TOOLS)[number];

/** The product a tool's binary is, as its own messages name it. */
export const PRODUCT_NAME: Readonly<Record<IacTool, string>> = { terraform: 'Terraform', tofu: 'OpenTofu' };

/** How a workflow installs each tool (for the error when its binary is missing). */
const SETUP_HINT: Readonly<Record<IacTool, string>> = {
  terraform: 'hashicorp/setup-terraform with terraform_wrapper: false',
  tofu: 'opentofu/setup-opentofu with tofu_wrapper: false',
};

/** Exit codes of `terraform plan -detailed-exitcode` (and `tofu plan`). */
export const PLAN_NO_CHANGES = 0;
export const PLAN_HAS_CHANGES = 2;

/**
 * The file that takes the `vars` to Terraform, in the stage's private folder: a `.tfvars.json`
 * (Terraform reads JSON strings literally, so no value needs escaping), never the command line,
 * where `ps` and a timeout's message would show every value.
 */
export const VARS_FILE = 'vars.tfvars.json';

/**
 * The root module's variables, each with its type constraint's first word (`string`, `map`,
 * `object`, …; undefined when it has none), from the stack's top-level `.tf` files
 * (`variable "name" {` or `variable name {`, the `type =` line inside the block) and `.tf.json`
 * files (`{"variable": {"name": {"type": "…"}}}`).
 */
export function declaredVariables(directory: string): Map<string, string | undefined> {
  const variables = new Map<string, string | undefined>();
  const files = readdirSync(directory);
  for (const file of files.filter((name) => name.endsWith('.tf'))) {
    readHclVariables(readFileSync(join(directory, file), 'utf8'), variables);
  }
  for (const file of files.filter((name) => name.endsWith('.tf.json'))) {
    readJsonVariables(readFileSync(join(directory, file), 'utf8'), variables);
  }
  return variables;
}

const VARIABLE_BLOCK = /^\s*variable\s+(?:"([\w-]+)"|([A-Za-z_][\w-]*))\s*\{(.*)$/;

/** Code of one line: quoted strings emptied, comments dropped (their braces do not count). */
const codeOf = (line: string): string =>
  line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(?:#|\/\/).*$/, '');
const TYPE_ASSIGNMENT = /(?:^|[{\s])type\s*=\s*([A-Za-z_]\w*)/;

/** Variable blocks of one `.tf` file: each block's extent by its braces, its `type =` at the top level. */
function readHclVariables(text: string, into: Map<string, string | undefined>): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = VARIABLE_BLOCK.exec(lines[i] ?? '');
    if (open === null) continue;
    let type: string | undefined;
    let depth = 1;
    // The rest of the opening line: a one-line block (`variable "x" { type = string }`) ends there.
    let code = codeOf(open[3] ?? '');
    for (;;) {
      if (depth === 1) type ??= TYPE_ASSIGNMENT.exec(code)?.[1];
      depth += (code.match(/\{/g)?.length ?? 0) - (code.match(/\}/g)?.length ?? 0);
      if (depth <= 0 || i + 1 >= lines.length) break;
      code = codeOf(lines[++i] ?? '');
    }
    into.set(open[1] ?? open[2] ?? '', type);
  }
}

function readJsonVariables(text: string, into: Map<string, string | undefined>): void {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return;
  }
  const raw =
    typeof document === 'object' && document !== null
      ? (document as Record<string, unknown>)['variable']
      : undefined;
  for (const block of Array.isArray(raw) ? raw : [raw]) {
    if (typeof block !== 'object' || block === null) continue;
    for (const [name, body] of Object.entries(block as Record<string, unknown>)) {
      const type =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['type'] : undefined;
      into.set(name, typeof type === 'string' ? /^\$?\{?([A-Za-z_]\w*)/.exec(type)?.[1] : undefined);
    }
  }
}

/**
 * Whether Terraform reads a `-var` value of this type as an HCL expression rather than as text:
 * any type constraint but `string`, `number` and `bool` (a JSON string converts to those).
 */
export function takesStructuredValue(type: string | undefined): boolean {
  return type !== undefined && type !== 'string' && type !== 'number' && type !== 'bool';
}

/**
 * The `vars` as a `.tfvars.json` document: one variable a line (a Terraform diagnostic quotes one
 * line of the file), a name given twice keeps its last value (as repeated `-var`s do), each value
 * a JSON string, or the parsed JSON value for the names in `structured`.
 */
export function varsFileContent(vars: Vars, structured: ReadonlySet<string>): string {
  const values = new Map<string, string>();
  for (const [name, value] of vars) {
    values.delete(name);
    values.set(name, value);
  }
  const lines = [...values].map(
    ([name, value]) =>
      `  ${JSON.stringify(name)}: ${structured.has(name) ? JSON.stringify(JSON.parse(value)) : JSON.stringify(value)}`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Writes the vars file into a private folder, readable by this user only; returns its path. */
export function writeVarsFile(directory: string, vars: Vars, structured: ReadonlySet<string>): string {
  const file = join(directory, VARS_FILE);
  writeFileSync(file, varsFileContent(vars, structured), { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  return file;
}

export function initArgs(inputs: Pick<DeployInputs, 'backendConfig'>): string[] {
  return [
    'init',
    '-input=false',
    '-no-color',
    ...inputs.backendConfig.map((entry) => `-backend-config=${entry}`),
  ];
}

/**
 * The plan command. Terraform lets a later `-var`/`-var-file` win over an earlier one, so the
 * order is the precedence, lowest first: the bypass flag (a var file that turns it on behind the
 * input is then visible in the plan, and the plan check refuses it), the `var-files`, the
 * `vars` (in `varsFile`, a private file: they win over the var files), and last the image, which
 * nothing overrides (it is the digest the input checked).
 */
export function planArgs(
  inputs: Pick<
    DeployInputs,
    | 'image'
    | 'imageVariable'
    | 'allowDevAuthBypass'
    | 'bypassVariable'
    | 'varFiles'
    | 'lockTimeout'
    | 'production'
  > &
    Partial<Pick<DeployInputs, 'planOnly'>>,
  planFile: string,
  declaresBypass: boolean,
  varsFile?: string,
): string[] {
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-detailed-exitcode',
    // A plan that is never applied reads the state without taking its lock: a plan of a pull
    // request neither waits for a running deploy nor holds one up (its account may only read).
    inputs.planOnly === true ? '-lock=false' : `-lock-timeout=${inputs.lockTimeout}`,
    `-out=${planFile}`,
  ];
  // The one value of the bypass flag reaches every stack that declares it; prod always gets false.
  if (declaresBypass) {
    args.push('-var', `${inputs.bypassVariable}=${inputs.production ? false : inputs.allowDevAuthBypass}`);
  }
  for (const file of inputs.varFiles) args.push(`-var-file=${file}`);
  if (varsFile !== undefined) args.push(`-var-file=${varsFile}`);
  if (inputs.image !== '') args.push('-var', `${inputs.imageVariable}=${inputs.image}`);
  return args;
}

export const showArgs = (planFile: string): string[] => ['show', '-json', '-no-color', planFile];

/** The saved plan as people read it (for the report; never printed to the log). */
export const showTextArgs = (planFile: string): string[] => ['show', '-no-color', planFile];

/**
 * Applies the saved plan: it holds the variables' values, so no `-var` or `-var-file` is given.
 * `-json` is Terraform's machine-readable UI (one JSON message a line): what was applied and
 * what failed is read from it (apply-log.ts), not scraped from the human text.
 */
export const applyArgs = (inputs: Pick<DeployInputs, 'lockTimeout'>, planFile: string): string[] => [
  'apply',
  '-input=false',
  '-no-color',
  '-json',
  `-lock-timeout=${inputs.lockTimeout}`,
  planFile,
];

export const outputArgs = (): string[] => ['output', '-json', '-no-color'];

/**
 * Terraform's error text without its box drawing, for messages. A diagnostic about a private
 * file (the vars file) names it as the `vars` input and loses its source line, which quotes a
 * value: `  on /tmp/…/vars.tfvars.json line 3:` / `   3:   "name": "value",`.
 */
function plainText(stderr: string, privateFiles: readonly string[]): string {
  const lines = stderr.split('\n').map((line) => line.replace(/^[│╷╵]\s?/, '').trimEnd());
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const file = privateFiles.find((path) => line.trim().startsWith(`on ${path} line `));
    if (file !== undefined) {
      kept.push(line.replace(file, `the file of input ${Inputs.Vars}`));
      // The source line (`%4d: …`) that follows, if any.
      if (/^\s*\d+: /.test(lines[i + 1] ?? '')) i++;
      continue;
    }
    kept.push(privateFiles.reduce((text, path) => text.split(path).join(`(input ${Inputs.Vars})`), line));
  }
  return kept
    .filter((line, index, all) => line !== '' || (index > 0 && all[index - 1] !== ''))
    .join('\n')
    .trim();
}

/** What the run knows beyond Terraform's text, for the hints of an explained failure. */
export interface FailureHints {
  /** The state bucket, from a `bucket=` entry of input backend-config, when given there. */
  stateBucket?: string;
  /** The repository (owner/name) the run is for: the subject of the Workload Identity binding. */
  repository?: string;
  /** The binary that ran (input tool): messages and the commands they suggest name it. */
  tool?: IacTool;
}

/** The `bucket=` of the backend-config entries (the GCS backend's state bucket), if any. */
export function stateBucketOf(backendConfig: readonly string[]): string | undefined {
  const entry = backendConfig.findLast((line) => /^\s*bucket\s*=/.test(line));
  const value = entry
    ?.slice(entry.indexOf('=') + 1)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The variables a failed plan names as having no value. Terraform wraps a diagnostic's detail
 * at 77 columns, between any two words: with a long name `…variable "NAME" is` / `not set, …`
 * (a name of 33 characters or more), so the text is read with its line breaks as spaces.
 */
export function missingVariables(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ');
  return [
    ...new Set([...flat.matchAll(/input variable "([^"]+)" is not set/g)].map((match) => match[1] ?? '')),
  ];
}

/**
 * The inputs of the reusable workflows that feed `vars` of the service and the platform stack
 * (besides project, region, environment and commit_sha, which they set themselves).
 */
const REUSABLE_VARS_INPUTS = 'service-vars (service stack) or platform-vars (platform stack)';

/**
 * Google's 403 on the GCS state bucket (`googleapi: Error 403: <who> does not have
 * storage.objects.list access to the Google Cloud Storage bucket.`): who was refused, and which
 * permission, or undefined when the text is no such refusal.
 */
export function stateBucketRefusal(text: string): { identity: string; permission: string } | undefined {
  const flat = text.replace(/\s+/g, ' ');
  const match = /googleapi: Error 403: (\S+) does not have (storage\.[a-z]+\.[a-zA-Z]+) access/.exec(flat);
  if (match !== null) return { identity: match[1] ?? '', permission: match[2] ?? '' };
  const other = /googleapi: Error 403:[^]*?\b(storage\.[a-z]+\.[a-zA-Z]+)\b/.exec(flat);
  return other === null ? undefined : { identity: '', permission: other[1] ?? '' };
}

function workloadIdentityHint(
  command: string,
  refusal: { identity: string; permission: string },
  hints: FailureHints,
): string {
  const tool = hints.tool ?? 'terraform';
  const bucket =
    hints.stateBucket === undefined ? 'the state bucket' : `state bucket gs://${hints.stateBucket}`;
  const who = refusal.identity === '' ? 'the run' : refusal.identity;
  const repository =
    hints.repository === undefined || hints.repository === '' ? 'OWNER/REPO' : hints.repository;
  const principalSet = `principalSet://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL/attribute.repository/${repository}`;
  const gsutil = (member: string): string =>
    `gcloud storage buckets add-iam-policy-binding gs://${hints.stateBucket ?? 'BUCKET'} --member=${member} --role=roles/storage.objectAdmin`;
  const start = `${tool} ${command}: Google refused ${who} access to ${bucket} (403, ${refusal.permission}). `;
  // Direct Workload Identity Federation (no service_account): the refused identity is the
  // federated principal itself, and the role goes to the repository's principalSet.
  if (refusal.identity.startsWith('principal://') || refusal.identity.startsWith('principalSet://')) {
    return (
      start +
      `The run authenticated as a federated principal, by direct Workload Identity Federation (no service account): the repository's principal set needs roles/storage.objectAdmin on the state bucket: ` +
      `${gsutil(`"${principalSet}"`)}; check also the workload identity provider's attribute condition (it must admit ${repository}). ` +
      `If the workflow should impersonate a deployer service account instead, pass it (the pipeline's service-account, google-github-actions/auth's service_account) and grant the role to it: ` +
      gsutil('serviceAccount:<the deployer service account>')
    );
  }
  const member = refusal.identity.endsWith('.gserviceaccount.com')
    ? `serviceAccount:${refusal.identity}`
    : 'serviceAccount:<the deployer service account>';
  return (
    start +
    `The service account this workflow impersonates through Workload Identity Federation needs roles/storage.objectAdmin on the state bucket: ` +
    `${gsutil(member)}. ` +
    `If the identity is not that service account, check google-github-actions/auth's service_account, the workload identity provider's attribute condition (it must admit ${repository}) ` +
    `and the binding of roles/iam.workloadIdentityUser on the service account to ${principalSet}. ` +
    `With direct Workload Identity Federation (no service account), grant roles/storage.objectAdmin to that principal set instead`
  );
}

/**
 * Turns a failed Terraform command into the error a user can act on: a held state lock (with
 * the lock id), a stale saved plan, a variable without value, a refused state bucket, or init's
 * provider and backend failures; anything else keeps Terraform's own message (its tail, secrets
 * removed before the cut).
 */
export function explainTerraformFailure(
  command: string,
  result: ToolResult | undefined,
  fallback: string,
  privateFiles: readonly string[] = [],
  hints: FailureHints = {},
): Error {
  const stderr = result?.stderr ?? '';
  const text = plainText(stderr, privateFiles);
  const tool = hints.tool ?? 'terraform';
  // Before the lock: a lock the bucket refuses to write is a permission problem, not a held lock.
  const refusal = stateBucketRefusal(text);
  if (refusal !== undefined) return new Error(redact(workloadIdentityHint(command, refusal, hints)));
  if (/Error acquiring the state lock/.test(stderr)) {
    const id = /^\s*ID:\s*(\S+)/m.exec(text)?.[1] ?? 'unknown';
    const who = /^\s*Who:\s*(.+)$/m.exec(text)?.[1]?.trim();
    const created = /^\s*Created:\s*(.+)$/m.exec(text)?.[1]?.trim();
    return new Error(
      `${tool} ${command}: the state is locked (lock ID ${id}${who ? `, held by ${who}` : ''}${created ? ` since ${created}` : ''}). ` +
        `Another run is changing this stack: let it finish (input ${Inputs.LockTimeout} waits for it). If that run died, release the lock with: ${tool} force-unlock ${id}`,
    );
  }
  if (/Saved plan is stale/.test(stderr)) {
    return new Error(
      `${tool} apply: the saved plan is stale: the state changed after this run planned (another run applied). Nothing was applied; re-run the workflow to plan against the new state`,
    );
  }
  const missing = missingVariables(text);
  if (missing.length > 0) {
    return new ConfigurationError(
      `${tool} ${command}: variable ${missing.join(', ')} has no value: pass it in input ${Inputs.Vars} (${missing[0]}=…) or set TF_VAR_${missing[0]} in the workflow's env` +
        // The reusable workflows (pipeline, plan-pr, drift) build `vars` from their callers' inputs.
        `; with the reusable workflows, add ${missing.map((name) => `${name}=…`).join(', ')} to the caller's input ${REUSABLE_VARS_INPUTS} (one name=value a line)`,
    );
  }
  if (command === 'init') {
    return new Error(
      `${tool} init failed (providers or backend); check the provider versions in .terraform.lock.hcl, network access to the registry and the backend-config:\n${redactedTail(text, 15)}`,
    );
  }
  return new Error(text === '' ? fallback : `${tool} ${command} failed:\n${redactedTail(text, 20)}`);
}

export interface TerraformRunOptions extends Partial<ToolOptions> {
  /** Files only this run may read (the vars file): a failure's message never quotes their lines. */
  privateFiles?: readonly string[];
  /** What the run knows for a failure's hints (the state bucket, the repository). */
  hints?: FailureHints;
  /**
   * Terraform's diagnostics as text, when it prints them elsewhere than on stderr (`apply
   * -json` prints them as JSON messages on stdout): a failure is explained from them too.
   */
  diagnostics?: () => string;
}

export interface TerraformRunner {
  run(command: string, args: string[], options?: TerraformRunOptions): Promise<ToolResult>;
}

/**
 * The error for a tool that is not installed: it names input tool, the step that installs the
 * binary, and the other choice.
 */
export function missingToolError(tool: IacTool): ConfigurationError {
  const other: IacTool = tool === 'tofu' ? 'terraform' : 'tofu';
  return new ConfigurationError(
    `input "${Inputs.Tool}" is ${tool}, but no ${tool} binary is on PATH: install ${PRODUCT_NAME[tool]} in a step before this one (${SETUP_HINT[tool]}), or set input "${Inputs.Tool}" to ${other} if the job installs ${PRODUCT_NAME[other]}; nothing was planned`,
  );
}

/**
 * Runs Terraform (or OpenTofu, `tool`) in the stack with the automation environment, each call
 * under the deadline. Both read the same `TF_*` variables.
 */
export function terraform(
  workingDirectory: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
  tool: IacTool = 'terraform',
): TerraformRunner {
  const toolEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  return {
    async run(command, args, { privateFiles = [], hints, diagnostics, ...options } = {}) {
      try {
        return await runTool(tool, args, {
          cwd: workingDirectory,
          env: toolEnv,
          timeoutMs,
          // A cancelled Terraform gets the runner's signals, each once, and time to release the
          // state lock until the step kills it (CANCEL_KILL_MS).
          onCancel: 'interrupt',
          ...options,
        });
      } catch (error) {
        if (error instanceof ToolError && error.result?.stopped?.reason === 'cancel') {
          throw new CancelledError(describeCancelledTerraform(command, error.result, workingDirectory, tool));
        }
        if (
          error instanceof ToolError &&
          error.result === undefined &&
          /was not found on PATH/.test(error.message)
        ) {
          throw missingToolError(tool);
        }
        // Only an exit with an error has Terraform's own explanation; a deadline or a missing binary keeps ours.
        if (
          error instanceof ToolError &&
          error.result !== undefined &&
          /failed with exit code/.test(error.message)
        ) {
          const result =
            diagnostics === undefined
              ? error.result
              : { ...error.result, stderr: `${diagnostics()}\n${error.result.stderr}` };
          throw explainTerraformFailure(command, result, error.message, privateFiles, { ...hints, tool });
        }
        throw error;
      }
    },
  };
}

/** The commands that take the state lock. */
const LOCKING_COMMANDS = new Set(['plan', 'apply', 'import', 'refresh', 'destroy']);
/** Where the local backend writes the lock's details while it holds it (default state path). */
export const LOCAL_LOCK_INFO = '.terraform.tfstate.lock.info';

/** The ID in the local backend's lock info file, if one is left in the stack. */
function leftLockId(workingDirectory: string): string | undefined {
  const file = join(workingDirectory, LOCAL_LOCK_INFO);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { ID?: unknown };
    return typeof info.ID === 'string' && /^[\w-]{1,64}$/.test(info.ID) ? info.ID : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * What a cancellation did to a Terraform command, for the summary: the signals it got, how it
 * ended, and for a command that takes the state lock whether the lock was released. Terraform
 * releases the lock when it stops by itself after one interrupt ("Releasing state lock" is
 * printed when the backend is slow to answer); one that quit at a second interrupt or was
 * killed may leave it held in a remote backend (GCS), and the next run then names its ID.
 */
export function describeCancelledTerraform(
  command: string,
  result: ToolResult,
  workingDirectory: string,
  tool: IacTool = 'terraform',
): string {
  const signals = [...new Set(result.stopped?.signals ?? [])];
  const output = `${result.stdout}\n${result.stderr}`;
  const after = result.stopped?.exitedAfterMs;
  const at = after === undefined ? '' : ` ${formatMs(after)} after the first signal`;
  const forced = /Two interrupts received/.test(output);
  const killed = result.signal !== null && result.signal !== undefined;
  const how = killed
    ? `did not stop and was killed (${result.signal})${at}`
    : forced
      ? `quit at the second interrupt without finishing (exit code ${result.code})${at}`
      : `stopped by itself (exit code ${result.code})${at}`;
  const sent = signals.length === 0 ? '' : ` (${signals.join(', ')} sent)`;
  const text = `${tool} ${command} was interrupted by the cancellation${sent}: it ${how}`;
  const left = result.leftovers ?? [];
  const leftText = left.length > 0 ? `; what it left running was stopped: ${left.join(', ')}` : '';
  if (!LOCKING_COMMANDS.has(command)) return `${text}${leftText}`;
  const lockId = leftLockId(workingDirectory);
  if (!killed && !forced && lockId === undefined) {
    const released = /Releasing state lock/.test(output)
      ? 'it released the state lock ("Releasing state lock" in its output)'
      : 'a clean stop releases the state lock';
    return `${text}; ${released}${leftText}`;
  }
  const held =
    lockId === undefined
      ? 'the state lock may still be held (a remote backend such as GCS keeps it; the next run\'s "Error acquiring the state lock" names its ID)'
      : `the state lock may still be held: lock ID ${shown(lockId, 64)} (its info is left in ${LOCAL_LOCK_INFO})`;
  return (
    `${text}; ${held}${leftText}. If the next run says the state is locked and no other run uses this stack, ` +
    `release it with: ${tool} force-unlock ${lockId ?? '<lock ID>'}`
  );
}
