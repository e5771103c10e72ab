import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, ToolError, type ToolOptions, type ToolResult } from '../lib/exec.js';
import { ConfigurationError } from '../lib/errors.js';
import { Inputs } from './constants.js';
import type { DeployInputs } from './inputs.js';

/** Exit codes of `terraform plan -detailed-exitcode`. */
export const PLAN_NO_CHANGES = 0;
export const PLAN_HAS_CHANGES = 2;

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

export function initArgs(inputs: Pick<DeployInputs, 'backendConfig'>): string[] {
  return [
    'init',
    '-input=false',
    '-no-color',
    ...inputs.backendConfig.map((entry) => `-backend-config=${entry}`),
  ];
}

export function planArgs(
  inputs: Pick<
    DeployInputs,
    | 'image'
    | 'imageVariable'
    | 'allowDevAuthBypass'
    | 'bypassVariable'
    | 'vars'
    | 'varFiles'
    | 'lockTimeout'
    | 'production'
  >,
  planFile: string,
  declaresBypass: boolean,
): string[] {
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    '-detailed-exitcode',
    `-lock-timeout=${inputs.lockTimeout}`,
    `-out=${planFile}`,
  ];
  if (inputs.image !== '') args.push('-var', `${inputs.imageVariable}=${inputs.image}`);
  // The one value of the bypass flag reaches every stack that declares it; prod always gets false.
  if (declaresBypass) {
    args.push('-var', `${inputs.bypassVariable}=${inputs.production ? false : inputs.allowDevAuthBypass}`);
  }
  for (const [name, value] of inputs.vars) args.push('-var', `${name}=${value}`);
  for (const file of inputs.varFiles) args.push(`-var-file=${file}`);
  return args;
}

export const showArgs = (planFile: string): string[] => ['show', '-json', '-no-color', planFile];

export const applyArgs = (inputs: Pick<DeployInputs, 'lockTimeout'>, planFile: string): string[] => [
  'apply',
  '-input=false',
  '-no-color',
  `-lock-timeout=${inputs.lockTimeout}`,
  planFile,
];

export const outputArgs = (): string[] => ['output', '-json', '-no-color'];

/** Terraform's error text without its box drawing, for messages. */
function plainText(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^[│╷╵]\s?/, '').trimEnd())
    .filter((line, index, lines) => line !== '' || (index > 0 && lines[index - 1] !== ''))
    .join('\n')
    .trim();
}

/**
 * Turns a failed Terraform command into the error a user can act on: a held state lock (with
 * the lock id), a stale saved plan, a variable without value, or init's provider and backend
 * failures; anything else keeps Terraform's own message.
 */
export function explainTerraformFailure(
  command: string,
  result: ToolResult | undefined,
  fallback: string,
): Error {
  const stderr = result?.stderr ?? '';
  const text = plainText(stderr);
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
      `terraform init failed (providers or backend); check the provider versions in .terraform.lock.hcl, network access to the registry and the backend-config:\n${text.split('\n').slice(-15).join('\n')}`,
    );
  }
  return new Error(
    text === '' ? fallback : `terraform ${command} failed:\n${text.split('\n').slice(-20).join('\n')}`,
  );
}

export interface TerraformRunner {
  run(command: string, args: string[], options?: Partial<ToolOptions>): Promise<ToolResult>;
}

/** Runs Terraform in the stack with the automation environment, each call under the deadline. */
export function terraform(
  workingDirectory: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): TerraformRunner {
  const toolEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  return {
    async run(command, args, options = {}) {
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
          throw explainTerraformFailure(command, error.result, error.message);
        }
        throw error;
      }
    },
  };
}
