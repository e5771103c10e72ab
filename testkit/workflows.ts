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
  inputs: Record<string, ExpressionValue>;
  /** Repository variables; a missing one evaluates to '' as on GitHub. */
  vars?: Record<string, string>;
  job?: unknown;
}

/**
 * A step's `env:` with its expressions evaluated (`evaluateEnv`) against the inputs, repository
 * variables and job context the config job reads. An input the context does not give, or any
 * other context, throws: a change to the workflow cannot run unevaluated.
 */
export function evaluateStepEnv(step: Pick<Step, 'env'>, context: ConfigContext): Record<string, string> {
  return evaluateEnv([step.env], {
    inputs: context.inputs,
    vars: context.vars ?? {},
    job: (context.job ?? { status: 'success' }) as ExpressionValue,
  });
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions expressions: the subset the deploy workflows use, evaluated strictly, so that
// what a workflow passes can be computed from the workflow itself (the rehearsal, the tests).
// ---------------------------------------------------------------------------------------------

export type ExpressionValue =
  string | number | boolean | null | ExpressionValue[] | { [key: string]: ExpressionValue };

/**
 * What an expression may read. A context left out is unknown: reading it throws. Lookups that
 * GitHub answers with null throw here where a slip would hide: an input not given (give them
 * complete, defaults applied: `callInputs`), a job or step that did not run, an output it did
 * not set, an `env` or `github` name not set. Repository variables and secrets that are not set
 * are '' (null), as on GitHub.
 */
export interface ExpressionContext {
  inputs?: Record<string, ExpressionValue>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  needs?: Record<string, { outputs: Record<string, string>; result?: string }>;
  steps?: Record<string, { outputs: Record<string, string>; outcome?: string; conclusion?: string }>;
  env?: Record<string, string>;
  github?: Record<string, ExpressionValue>;
  job?: ExpressionValue;
  /** A called workflow's jobs, for its `on.workflow_call.outputs`. */
  jobs?: Record<string, { outputs: Record<string, string>; result?: string }>;
  runner?: Record<string, ExpressionValue>;
}

/** Contexts whose missing top-level names are null, as on GitHub; every other miss throws. */
const LENIENT_CONTEXTS = new Set(['vars', 'secrets']);

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      let value = '';
      let i = 1;
      for (;;) {
        if (i >= rest.length) throw new Error(`unterminated string in \${{ ${source} }}`);
        if (rest[i] === "'") {
          if (rest[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          break;
        }
        value += rest.charAt(i);
        i++;
      }
      tokens.push({ kind: 'string', value });
      at += i + 1;
      continue;
    }
    const number = /^(?:0x[0-9a-fA-F]+|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(rest);
    if (number && !/^[A-Za-z_]/.test(rest)) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      at += name[0].length;
      continue;
    }
    const op = /^(?:==|!=|<=|>=|&&|\|\||[()[\].,!<>])/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[0] });
      at += op[0].length;
      continue;
    }
    throw new Error(`cannot read "${rest.slice(0, 10)}" in \${{ ${source} }}`);
  }
  return tokens;
}

type Node =
  | { type: 'literal'; value: ExpressionValue }
  | { type: 'context'; name: string }
  | { type: 'member'; object: Node; key: Node; path: string }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'not'; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node };

function parseExpression(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (value?: string): Token | undefined => {
    const token = tokens[at];
    if (value === undefined || (token?.kind === 'op' && token.value === value)) return token;
    return undefined;
  };
  const expect = (value: string): void => {
    if (!peek(value)) throw new Error(`expected "${value}" in \${{ ${source} }}`);
    at++;
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let left = next();
    for (;;) {
      const token = tokens[at];
      if (token?.kind !== 'op' || !ops.includes(token.value)) return left;
      at++;
      left = { type: 'binary', op: token.value, left, right: next() };
    }
  };
  const primary = (): Node => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`\${{ ${source} }} ends too early`);
    if (token.kind === 'number' || token.kind === 'string') return { type: 'literal', value: token.value };
    if (token.kind === 'op' && token.value === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.kind === 'name') {
      if (token.value === 'true' || token.value === 'false') {
        return { type: 'literal', value: token.value === 'true' };
      }
      if (token.value === 'null') return { type: 'literal', value: null };
      if (peek('(')) {
        at++;
        const args: Node[] = [];
        if (!peek(')')) {
          args.push(or());
          while (peek(',')) {
            at++;
            args.push(or());
          }
        }
        expect(')');
        return { type: 'call', name: token.value, args };
      }
      return { type: 'context', name: token.value };
    }
    throw new Error(`unexpected "${token.value}" in \${{ ${source} }}`);
  };
  const postfix = (): Node => {
    let node = primary();
    let path = node.type === 'context' ? node.name : '(value)';
    for (;;) {
      if (peek('.')) {
        at++;
        const name = tokens[at++];
        if (name?.kind !== 'name') throw new Error(`expected a property name in \${{ ${source} }}`);
        path += `.${name.value}`;
        node = { type: 'member', object: node, key: { type: 'literal', value: name.value }, path };
      } else if (peek('[')) {
        at++;
        const key = or();
        expect(']');
        path += '[…]';
        node = { type: 'member', object: node, key, path };
      } else {
        return node;
      }
    }
  };
  const unary = (): Node => {
    if (peek('!')) {
      at++;
      return { type: 'not', operand: unary() };
    }
    return postfix();
  };
  const comparison = binary(['<', '<=', '>', '>='], unary);
  const equality = binary(['==', '!='], comparison);
  const and = binary(['&&'], equality);
  const or = binary(['||'], and);
  const node = or();
  if (at !== tokens.length) throw new Error(`unexpected "${String(tokens[at]?.value)}" in \${{ ${source} }}`);
  return node;
}

const isObject = (value: ExpressionValue): value is { [key: string]: ExpressionValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function truthy(value: ExpressionValue): boolean {
  return !(value === false || value === null || value === '' || value === 0 || Number.isNaN(value));
}

function toNumber(value: ExpressionValue): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value.trim());
  return NaN;
}

/** How a value reads inside a string (`a-${{ x }}`) and as an action input. */
export function expressionText(value: ExpressionValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`an object or array cannot be used as text (${JSON.stringify(value)}): use toJSON()`);
}

/** GitHub's loose comparison: strings ignore case; values of different types compare as numbers. */
function compare(left: ExpressionValue, right: ExpressionValue): number | undefined {
  if (typeof left === 'string' && typeof right === 'string') {
    const [a, b] = [left.toUpperCase(), right.toUpperCase()];
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof left === 'object' && left !== null) return left === right ? 0 : undefined;
  if (typeof right === 'object' && right !== null) return undefined;
  const [a, b] = [toNumber(left), toNumber(right)];
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

function format(template: string, args: ExpressionValue[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = args[Number(index)];
    if (value === undefined) throw new Error(`format('${template}') has no argument ${index}`);
    return expressionText(value);
  });
}

const FUNCTIONS: Record<string, (args: ExpressionValue[]) => ExpressionValue> = {
  format: ([template, ...args]) => format(expressionText(template ?? null), args),
  tojson: ([value]) => JSON.stringify(value ?? null, null, 2),
  fromjson: ([value]) => JSON.parse(expressionText(value ?? null)) as ExpressionValue,
  contains: ([haystack, needle]) =>
    Array.isArray(haystack)
      ? haystack.some((item) => compare(item, needle ?? null) === 0)
      : expressionText(haystack ?? null)
          .toUpperCase()
          .includes(expressionText(needle ?? null).toUpperCase()),
  startswith: ([text, prefix]) =>
    expressionText(text ?? null)
      .toUpperCase()
      .startsWith(expressionText(prefix ?? null).toUpperCase()),
  endswith: ([text, suffix]) =>
    expressionText(text ?? null)
      .toUpperCase()
      .endsWith(expressionText(suffix ?? null).toUpperCase()),
  join: ([items, separator]) =>
    Array.isArray(items)
      ? items.map(expressionText).join(separator === undefined ? ',' : expressionText(separator))
      : expressionText(items ?? null),
  // Status functions, for `if:`: the evaluation is of a run in which everything before succeeded.
  success: () => true,
  always: () => true,
  failure: () => false,
  cancelled: () => false,
};

function evaluateNode(node: Node, context: ExpressionContext, source: string): ExpressionValue {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'context': {
      if (!(node.name in context) || context[node.name as keyof ExpressionContext] === undefined) {
        throw new Error(`\${{ ${source} }} reads the ${node.name} context, which is not given here`);
      }
      return context[node.name as keyof ExpressionContext] as ExpressionValue;
    }
    case 'member': {
      const object = evaluateNode(node.object, context, source);
      const key = expressionText(evaluateNode(node.key, context, source));
      const root = node.path.split(/[.[]/)[0] ?? '';
      const lenient = LENIENT_CONTEXTS.has(root) && node.object.type === 'context';
      if (!isObject(object)) {
        if (lenient) return null;
        throw new Error(`\${{ ${source} }}: ${node.path} reads a property of a value that has none`);
      }
      if (!Object.hasOwn(object, key)) {
        if (lenient) return null;
        throw new Error(`\${{ ${source} }}: ${node.path} is not known here`);
      }
      return object[key] ?? null;
    }
    case 'call': {
      const fn = FUNCTIONS[node.name.toLowerCase()];
      if (fn === undefined) {
        throw new Error(`\${{ ${source} }}: the function ${node.name}() cannot be evaluated here`);
      }
      return fn(node.args.map((arg) => evaluateNode(arg, context, source)));
    }
    case 'not':
      return !truthy(evaluateNode(node.operand, context, source));
    case 'binary': {
      const left = evaluateNode(node.left, context, source);
      if (node.op === '&&') return truthy(left) ? evaluateNode(node.right, context, source) : left;
      if (node.op === '||') return truthy(left) ? left : evaluateNode(node.right, context, source);
      const order = compare(left, evaluateNode(node.right, context, source));
      switch (node.op) {
        case '==':
          return order === 0;
        case '!=':
          return order !== 0;
        case '<':
          return order !== undefined && order < 0;
        case '<=':
          return order !== undefined && order <= 0;
        case '>':
          return order !== undefined && order > 0;
        default:
          return order !== undefined && order >= 0;
      }
    }
  }
}

/** One expression, the text between `${{` and `}}`. */
export function evaluateExpression(expression: string, context: ExpressionContext): ExpressionValue {
  return evaluateNode(parseExpression(expression), context, expression.trim());
}

const WHOLE_EXPRESSION = /^\$\{\{\s*([\s\S]*?)\s*\}\}$/;

/**
 * A workflow value: a string that is one `${{ … }}` gives the expression's value (a boolean
 * stays a boolean, as a `workflow_call` input receives it); any other string has each
 * `${{ … }}` replaced by its text; a YAML number or boolean is itself.
 */
export function evaluateTemplate(value: unknown, context: ExpressionContext): ExpressionValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'string') {
    throw new Error(`a workflow value must be text, not ${JSON.stringify(value)}`);
  }
  const whole = WHOLE_EXPRESSION.exec(value);
  if (whole && !whole[1]?.includes('}}')) return evaluateExpression(whole[1] ?? '', context);
  return substituteExpressions(value, (expression) =>
    expressionText(evaluateExpression(expression, context)),
  );
}

/** A step's `with:` as the runner hands it to an action: every value as text. */
export function evaluateWith(
  values: Record<string, unknown> | undefined,
  context: ExpressionContext,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([name, value]) => {
      try {
        return [name, expressionText(evaluateTemplate(value, context))];
      } catch (error) {
        throw new Error(`with: ${name}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }),
  );
}

/** A job's or step's `if:` (with or without `${{ }}`; none means `success()`). */
export function evaluateCondition(condition: unknown, context: ExpressionContext): boolean {
  if (condition === undefined || condition === null) return true;
  if (typeof condition === 'boolean') return condition;
  if (typeof condition !== 'string') throw new Error(`an if: must be text, not ${JSON.stringify(condition)}`);
  const text = condition.trim();
  const whole = WHOLE_EXPRESSION.exec(text);
  return truthy(evaluateExpression(whole ? (whole[1] ?? '') : text, context));
}

/**
 * The `env:` a step sees: the workflow's, the job's and the step's own, each evaluated with the
 * ones before it as the `env` context.
 */
export function evaluateEnv(
  levels: readonly (Record<string, unknown> | undefined)[],
  context: ExpressionContext,
): Record<string, string> {
  const env: Record<string, string> = { ...context.env };
  for (const level of levels) {
    const evaluated: Record<string, string> = {};
    for (const [name, value] of Object.entries(level ?? {})) {
      evaluated[name] = expressionText(evaluateTemplate(value, { ...context, env }));
    }
    Object.assign(env, evaluated);
  }
  return env;
}

/**
 * What a called workflow's `inputs` context holds for a call: the given values checked against
 * its `on.workflow_call.inputs` (an undeclared input, a missing required one or a value of the
 * wrong type throws, as GitHub refuses the call), defaults filled in, booleans as booleans.
 */
export function callInputs(
  callee: Workflow,
  calleeName: string,
  given: Record<string, ExpressionValue>,
): Record<string, ExpressionValue> {
  const declared = callee.on.workflow_call?.inputs ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new Error(`${calleeName} declares no input "${name}"`);
  }
  const inputs: Record<string, ExpressionValue> = {};
  for (const [name, spec] of Object.entries(declared)) {
    let value: ExpressionValue | undefined = given[name];
    if (value === undefined) {
      if (spec.required) throw new Error(`${calleeName} requires input "${name}"`);
      value = (spec.default ??
        (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '')) as ExpressionValue;
    }
    if (spec.type === 'boolean') {
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
        value = value.trim().toLowerCase() === 'true';
      }
      if (typeof value !== 'boolean') {
        throw new Error(`${calleeName}: input "${name}" is a boolean, not ${JSON.stringify(value)}`);
      }
    } else if (spec.type === 'number') {
      value = toNumber(value);
      if (Number.isNaN(value)) {
        throw new Error(`${calleeName}: input "${name}" is a number, not ${JSON.stringify(given[name])}`);
      }
    } else {
      value = expressionText(value);
    }
    inputs[name] = value;
  }
  return inputs;
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
