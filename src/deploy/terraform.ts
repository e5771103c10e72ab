import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactedTail, runTool, ToolError, type ToolOptions, type ToolResult } from '../lib/exec.js';
import { ConfigurationError } from '../lib/errors.js';
import { Inputs } from './constants.js';
import type { DeployInputs, Vars } from './inputs.js';

/** Exit codes of `terraform plan -detailed-exitcode`. */
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
  >,
  planFile: string,
  declaresBypass: boolean,
  varsFile?: string,
): string[] {
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-detailed-exitcode',
    `-lock-timeout=${inputs.lockTimeout}`,
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

/** Applies the saved plan: it holds the variables' values, so no `-var` or `-var-file` is given. */
export const applyArgs = (inputs: Pick<DeployInputs, 'lockTimeout'>, planFile: string): string[] => [
  'apply',
  '-input=false',
  '-no-color',
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

/**
 * Turns a failed Terraform command into the error a user can act on: a held state lock (with
 * the lock id), a stale saved plan, a variable without value, or init's provider and backend
 * failures; anything else keeps Terraform's own message (its tail, secrets removed before the cut).
 */
export function explainTerraformFailure(
  command: string,
  result: ToolResult | undefined,
  fallback: string,
  privateFiles: readonly string[] = [],
): Error {
  const stderr = result?.stderr ?? '';
  const text = plainText(stderr, privateFiles);
  if (/Error acquiring the state lock/.test(stderr)) {
    const id = /^\s*ID:\s*(\S+)/m.exec(text)?.[1] ?? 'unknown';
    const who = /^\s*Who:\s*(.+)$/m.exec(text)?.[1]?.trim();
    const created = /^\s*Created:\s*(.+)$/m.exec(text)?.[1]?.trim();
    return new Error(
      `terraform ${command}: the state is locked (lock ID ${id}${who ? `, held by ${who}` : ''}${created ? ` since ${created}` : ''}). ` +
        `Another run is changing this stack: let it finish (input ${Inputs.LockTimeout} waits for it). If that run died, release the lock with: terraform force-unlock ${id}`,
    );
  }
  if (/Saved plan is stale/.test(stderr)) {
    return new Error(
      `terraform apply: the saved plan is stale: the state changed after this run planned (another run applied). Nothing was applied; re-run the workflow to plan against the new state`,
    );
  }
  const missing = [...stderr.matchAll(/input variable "([^"]+)" is not set/g)].map((match) => match[1]);
  if (missing.length > 0) {
    const names = [...new Set(missing)].join(', ');
    return new ConfigurationError(
      `terraform ${command}: variable ${names} has no value: pass it in input ${Inputs.Vars} (${missing[0]}=…) or set TF_VAR_${missing[0]} in the workflow's env`,
    );
  }
  if (command === 'init') {
    return new Error(
      `terraform init failed (providers or backend); check the provider versions in .terraform.lock.hcl, network access to the registry and the backend-config:\n${redactedTail(text, 15)}`,
    );
  }
  return new Error(text === '' ? fallback : `terraform ${command} failed:\n${redactedTail(text, 20)}`);
}

export interface TerraformRunOptions extends Partial<ToolOptions> {
  /** Files only this run may read (the vars file): a failure's message never quotes their lines. */
  privateFiles?: readonly string[];
}

export interface TerraformRunner {
  run(command: string, args: string[], options?: TerraformRunOptions): Promise<ToolResult>;
}

/** Runs Terraform in the stack with the automation environment, each call under the deadline. */
export function terraform(
  workingDirectory: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): TerraformRunner {
  const toolEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  return {
    async run(command, args, { privateFiles = [], ...options } = {}) {
      try {
        return await runTool('terraform', args, {
          cwd: workingDirectory,
          env: toolEnv,
          timeoutMs,
          // A cancelled Terraform gets one SIGINT and time to release the state lock.
          onCancel: 'interrupt',
          ...options,
        });
      } catch (error) {
        // Only an exit with an error has Terraform's own explanation; a deadline or a missing binary keeps ours.
        if (
          error instanceof ToolError &&
          error.result !== undefined &&
          /failed with exit code/.test(error.message)
        ) {
          throw explainTerraformFailure(command, error.result, error.message, privateFiles);
        }
        throw error;
      }
    },
  };
}
