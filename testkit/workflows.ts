// Reads this repository's workflows as plain data for the structural and behavioural tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseFileCommands, repoRoot } from './local-runner.mjs';

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  'working-directory'?: string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  'runs-on'?: string;
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  environment?: string | { name: string; url?: string };
  outputs?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | 'inherit';
}

export interface WorkflowInput {
  description?: string;
  type: string;
  required?: boolean;
  default?: unknown;
}

export interface Workflow {
  name: string;
  on: Record<string, unknown> & {
    workflow_call?: {
      inputs?: Record<string, WorkflowInput>;
      secrets?: Record<string, { description?: string; required?: boolean }>;
      outputs?: Record<string, { description?: string; value: string }>;
    };
  };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  jobs: Record<string, Job>;
}

export const workflowsDir = join(repoRoot, '.github', 'workflows');
export const exampleWorkflowsDir = join(repoRoot, 'examples', 'fastapi-service', '.github', 'workflows');

export function workflowText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A workflow of this repository by file name (`pipeline.yml`), or by a path. */
export function loadWorkflow(nameOrPath: string): Workflow {
  const path = nameOrPath.includes('/') ? nameOrPath : join(workflowsDir, nameOrPath);
  return parse(workflowText(path)) as Workflow;
}

export const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

/** The step of a job with this id or name; throws when there is none, so a rename fails loudly. */
export function stepOf(job: Job, idOrName: string): Step {
  const step = job.steps?.find((s) => s.id === idOrName || s.name === idOrName);
  if (!step) throw new Error(`no step "${idOrName}" in job "${job.name ?? '?'}"`);
  return step;
}

/** The steps of a job that use one of this repository's stage actions, by stage. */
export function stageSteps(job: Job): { stage: string; step: Step }[] {
  return (job.steps ?? []).flatMap((step) => {
    const match = /^\.\/(?:.+\/)?actions\/([^/]+)$/.exec(step.uses ?? '');
    return match?.[1] ? [{ stage: match[1], step }] : [];
  });
}

/** Every job of every workflow file in the folder, as [file, jobId, job]. */
export function everyJob(files: readonly string[]): [string, string, Job][] {
  return files.flatMap((file) =>
    Object.entries(loadWorkflow(file).jobs).map(([id, job]): [string, string, Job] => [file, id, job]),
  );
}

/** Replaces each `${{ expression }}` in a value with what `resolve` gives for it. */
export function substituteExpressions(value: string, resolve: (expression: string) => string): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, expression: string) => resolve(expression));
}

/** What the config job's `env:` expressions read: inputs, repository variables, the job context. */
export interface ConfigContext {
  inputs: Record<string, string>;
  /** Repository variables; a missing one evaluates to '' as on GitHub. */
  vars?: Record<string, string>;
  job?: unknown;
}

/**
 * A step's `env:` with its `inputs.*`, `vars.*` and `toJSON(job)` expressions evaluated, the
 * ones the config job uses. An input the context does not give, or any other expression,
 * throws: a change to the workflow cannot run unevaluated.
 */
export function evaluateStepEnv(step: Pick<Step, 'env'>, context: ConfigContext): Record<string, string> {
  const resolve = (expression: string): string => {
    let match: RegExpExecArray | null;
    if ((match = /^inputs\.([\w-]+)$/.exec(expression))) {
      const value = context.inputs[match[1] ?? ''];
      if (value === undefined) throw new Error(`no value is given for \${{ ${expression} }}`);
      return value;
    }
    if ((match = /^vars\.(\w+)$/.exec(expression))) return context.vars?.[match[1] ?? ''] ?? '';
    if (expression === 'toJSON(job)') return JSON.stringify(context.job ?? { status: 'success' }, null, 2);
    throw new Error(`the expression \${{ ${expression} }} cannot be evaluated here`);
  };
  return Object.fromEntries(
    Object.entries(step.env ?? {}).map(([name, value]) => [name, substituteExpressions(value, resolve)]),
  );
}

export interface BashStepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as written, and parsed as the runner reads file commands (heredocs too). */
  rawOutput: string;
  outputs: Record<string, string>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export interface BashStepOptions {
  /** The step's working directory (default: the temporary folder of the step). */
  cwd?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * Runs a `run:` step as the runner runs a `shell: bash` step: the script in a file, with
 * `bash --noprofile --norc -eo pipefail`, a fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, in
 * exactly the environment given (plus PATH and HOME when it has none).
 */
export function runBashStep(
  step: Pick<Step, 'run'>,
  env: Record<string, string>,
  workDir: string,
  options: BashStepOptions = {},
): BashStepResult {
  const dir = mkdtempSync(join(workDir, 'step-'));
  try {
    const script = join(dir, 'script.sh');
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary');
    writeFileSync(script, step.run ?? '');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: options.cwd ?? dir,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 10_000,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        ...env,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
      },
    });
    const rawOutput = readFileSync(outputFile, 'utf8');
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      rawOutput,
      outputs: parseFileCommands(rawOutput),
      summary: readFileSync(summaryFile, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
