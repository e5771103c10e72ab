// Reads a Terraform root with @cdktf/hcl2json and evaluates the parts of it that decide what a
// plan holds: variable defaults and validations, locals, for_each/count keys, attribute values
// and dynamic blocks. Terraform itself cannot run here (no providers, no network), so this is a
// small evaluator of the HCL expressions the reference stacks use. It supports a deliberate
// subset and throws on anything else, so that a stack change it does not understand fails the
// tests instead of passing them unexamined. Values known only after apply (attributes of
// resources) evaluate to UNKNOWN.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { getExpressionAst, parse } from '@cdktf/hcl2json';

export const UNKNOWN = Symbol('known after apply');
export type Value = string | number | boolean | null | typeof UNKNOWN | Value[] | { [key: string]: Value };
/** A block body as hcl2json gives it: attributes (expression strings, JSON literals) and nested blocks. */
export type Body = Record<string, unknown>;

export interface Stack {
  dir: string;
  files: string[];
  /** Every .tf file's text, concatenated (for checks on what must never be written). */
  text: string;
  terraform: Body[];
  providers: Record<string, Body[]>;
  variables: Record<string, Body>;
  locals: Record<string, unknown>;
  /** resources[type][name] */
  resources: Record<string, Record<string, Body>>;
  outputs: Record<string, Body>;
}

export interface AstNode {
  type: string;
  meta: Record<string, unknown> & { value?: string };
  children: AstNode[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one body of a labelled block (`variable "x" {}` is `{x: [body]}` in hcl2json). */
function single(kind: string, name: string, value: unknown): Body {
  if (!Array.isArray(value) || value.length !== 1 || !isRecord(value[0])) {
    throw new Error(`${kind} "${name}" is not one block`);
  }
  return value[0];
}

function addUnique<T>(target: Record<string, T>, kind: string, name: string, value: T): void {
  if (Object.hasOwn(target, name)) throw new Error(`${kind} "${name}" is declared twice`);
  target[name] = value;
}

/** Parses every top-level .tf file of a Terraform root, as `terraform` reads them. */
export async function loadStack(dir: string): Promise<Stack> {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort();
  const stack: Stack = {
    dir,
    files,
    text: '',
    terraform: [],
    providers: {},
    variables: {},
    locals: {},
    resources: {},
    outputs: {},
  };
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    stack.text += `${text}\n`;
    const json: unknown = await parse(file, text);
    if (!isRecord(json)) throw new Error(`${file}: hcl2json returned no object`);
    for (const [kind, content] of Object.entries(json)) {
      if (kind === 'terraform' && Array.isArray(content)) stack.terraform.push(...(content as Body[]));
      else if (kind === 'provider' && isRecord(content)) {
        for (const [name, bodies] of Object.entries(content)) {
          (stack.providers[name] ??= []).push(...(bodies as Body[]));
        }
      } else if (kind === 'variable' && isRecord(content)) {
        for (const [name, bodies] of Object.entries(content)) {
          addUnique(stack.variables, 'variable', name, single('variable', name, bodies));
        }
      } else if (kind === 'output' && isRecord(content)) {
        for (const [name, bodies] of Object.entries(content)) {
          addUnique(stack.outputs, 'output', name, single('output', name, bodies));
        }
      } else if (kind === 'locals' && Array.isArray(content)) {
        for (const block of content) {
          if (!isRecord(block)) throw new Error(`${file}: a locals block is no object`);
          for (const [name, value] of Object.entries(block)) addUnique(stack.locals, 'local', name, value);
        }
      } else if (kind === 'resource' && isRecord(content)) {
        for (const [type, byName] of Object.entries(content)) {
          if (!isRecord(byName)) throw new Error(`${file}: resource type ${type} has no blocks`);
          for (const [name, bodies] of Object.entries(byName)) {
            addUnique((stack.resources[type] ??= {}), `resource ${type}`, name, single(type, name, bodies));
          }
        }
      } else {
        throw new Error(`${basename(dir)}/${file}: top-level "${kind}" is not read by these tests`);
      }
    }
  }
  return stack;
}

export function resource(stack: Stack, type: string, name: string): Body {
  const body = stack.resources[type]?.[name];
  if (body === undefined) throw new Error(`${basename(stack.dir)} defines no ${type}.${name}`);
  return body;
}

/** The nested blocks of a body (`template { … }` is `{template: [body]}`). */
export function blocks(body: Body, name: string): Body[] {
  const value = body[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isRecord)) throw new Error(`"${name}" is no block`);
  return value;
}

export function block(body: Body, name: string): Body {
  const found = blocks(body, name);
  if (found.length !== 1) throw new Error(`expected one "${name}" block, found ${found.length}`);
  return found[0]!;
}

/** A dynamic block: its for_each expression, iterator name and content body. */
export interface DynamicBlock {
  forEach: unknown;
  iterator: string;
  content: Body;
}

export function dynamicBlocks(body: Body, name: string): DynamicBlock[] {
  // hcl2json gives `dynamic "env" {…}` as {dynamic: {env: [spec, …]}}.
  const dynamic = body['dynamic'];
  if (dynamic === undefined) return [];
  const groups = Array.isArray(dynamic) ? dynamic : [dynamic];
  return groups.flatMap((group) => {
    if (!isRecord(group)) throw new Error('"dynamic" is no block');
    return blocks(group, name).map((spec) => ({
      forEach: spec['for_each'],
      iterator: typeof spec['iterator'] === 'string' ? stripInterpolation(spec['iterator']) : name,
      content: block(spec, 'content'),
    }));
  });
}

/** An attribute that must be an expression string (for_each, count, …). */
export function expressionText(raw: unknown): string {
  if (typeof raw !== 'string') throw new Error(`expected an expression, found ${JSON.stringify(raw)}`);
  return raw;
}

/** `${var.x}` → `var.x`; other strings as they are. */
export function stripInterpolation(text: string): string {
  const match = /^\$\{([\s\S]*)\}$/.exec(text);
  return match ? match[1]!.trim() : text;
}

// ---------------------------------------------------------------------------------------------
// Expressions

const astCache = new Map<string, Promise<AstNode>>();

/** The AST of an expression's source text (`var.x ? [1] : []`). */
export function expressionAst(source: string): Promise<AstNode> {
  let cached = astCache.get(source);
  if (cached === undefined) {
    cached = getExpressionAst('expression.tf', source).then((ast) => {
      if (ast === null) throw new Error(`no expression in ${source}`);
      return ast;
    });
    astCache.set(source, cached);
  }
  return cached;
}

/**
 * The AST of an attribute value as hcl2json gives it: `${expr}` for an expression, the text
 * with `${…}` parts for a template, a JSON literal otherwise (null for a JSON literal).
 */
export async function attributeAst(raw: string): Promise<AstNode> {
  const whole = /^\$\{([\s\S]*)\}$/.exec(raw);
  if (whole) {
    // One interpolation spanning the string ("${a}-${b}" is a template: its inside does not parse).
    const inner = await expressionAst(whole[1]!).catch(() => undefined);
    if (inner !== undefined) return inner;
  }
  if (/["\\]|%\{/.test(raw.replace(/\$\{[^}]*\}/g, ''))) {
    throw new Error(`template ${raw}: quotes, backslashes and directives are not supported here`);
  }
  return expressionAst(`"${raw}"`);
}

function decodeLiteral(text: string): string {
  return text
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) => {
      if (escaped.startsWith('u') && escaped.length === 5) {
        return String.fromCharCode(parseInt(escaped.slice(1), 16));
      }
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      const decoded = simple[escaped];
      if (decoded === undefined) throw new Error(`unsupported escape \\${escaped}`);
      return decoded;
    })
    .replaceAll('$${', '${')
    .replaceAll('%%{', '%{');
}

function isUnknown(value: Value): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (isRecord(value)) return Object.values(value as Record<string, Value>).some(isUnknown);
  return false;
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function asString(value: Value, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${where}: ${JSON.stringify(value)} is no string`);
}

function asBool(value: Value, where: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new Error(`${where}: ${JSON.stringify(value)} is no bool`);
}

function asList(value: Value, where: string): Value[] {
  if (Array.isArray(value)) return value;
  throw new Error(`${where}: ${JSON.stringify(value)} is no list`);
}

function asMap(value: Value, where: string): Record<string, Value> {
  if (isRecord(value)) return value;
  throw new Error(`${where}: ${JSON.stringify(value)} is no map`);
}

/** Terraform's sets of strings are ordered lexically; so are a map's keys. */
function toSet(values: Value[]): Value[] {
  const unique: Value[] = [];
  for (const value of values) if (!unique.some((seen) => equal(seen, value))) unique.push(value);
  return unique.every((value) => typeof value === 'string') ? [...unique].sort() : unique;
}

/** A Go RE2 pattern as far as JS agrees with it; named groups and flags are refused. */
function regexOf(pattern: string): RegExp {
  if (/\(\?/.test(pattern)) throw new Error(`regex ${pattern}: groups with (? are not supported here`);
  return new RegExp(pattern);
}

type Fn = (args: Value[]) => Value;

const FUNCTIONS: Record<string, Fn> = {
  lower: ([s]) => asString(s!, 'lower').toLowerCase(),
  upper: ([s]) => asString(s!, 'upper').toUpperCase(),
  replace: ([s, search, replacement]) => {
    const text = asString(s!, 'replace');
    const pattern = asString(search!, 'replace');
    const by = asString(replacement!, 'replace');
    if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
      return text.replace(new RegExp(pattern.slice(1, -1), 'g'), by);
    }
    return text.replaceAll(pattern, by);
  },
  concat: (args) => args.flatMap((list) => asList(list, 'concat')),
  contains: ([list, value]) => asList(list!, 'contains').some((item) => equal(item, value!)),
  length: ([value]) => {
    if (typeof value === 'string') return Array.from(value).length;
    if (Array.isArray(value)) return value.length;
    return Object.keys(asMap(value!, 'length')).length;
  },
  toset: ([list]) => toSet(asList(list!, 'toset')),
  tolist: ([list]) => asList(list!, 'tolist'),
  tomap: ([map]) => asMap(map!, 'tomap'),
  keys: ([map]) => Object.keys(asMap(map!, 'keys')).sort(),
  values: ([map]) => {
    const entries = asMap(map!, 'values');
    return Object.keys(entries)
      .sort()
      .map((key) => entries[key]!);
  },
  merge: (args) => Object.assign({}, ...args.map((map) => asMap(map, 'merge'))) as Record<string, Value>,
  split: ([separator, s]) => asString(s!, 'split').split(asString(separator!, 'split')),
  join: ([separator, list]) =>
    asList(list!, 'join')
      .map((item) => asString(item, 'join'))
      .join(asString(separator!, 'join')),
  basename: ([path]) => basename(asString(path!, 'basename')),
  startswith: ([s, prefix]) => asString(s!, 'startswith').startsWith(asString(prefix!, 'startswith')),
  endswith: ([s, suffix]) => asString(s!, 'endswith').endsWith(asString(suffix!, 'endswith')),
  regex: ([pattern, s]) => {
    const match = regexOf(asString(pattern!, 'regex')).exec(asString(s!, 'regex'));
    if (match === null) throw new Error('regex: no match');
    return match.length > 1 ? match.slice(1).map((group: string | undefined) => group ?? null) : match[0];
  },
};

export class Evaluator {
  private readonly localValues = new Map<string, Promise<Value>>();
  readonly variables: Record<string, Value>;

  /** `given` sets variables; the others take their defaults, and one without a default stays unset. */
  constructor(
    readonly stack: Stack,
    given: Record<string, Value>,
  ) {
    for (const name of Object.keys(given)) {
      if (!Object.hasOwn(stack.variables, name)) {
        throw new Error(`${basename(stack.dir)} declares no variable "${name}" (Terraform refuses the -var)`);
      }
    }
    this.variables = {};
    for (const [name, body] of Object.entries(stack.variables)) {
      if (Object.hasOwn(given, name)) this.variables[name] = given[name]!;
      else if (Object.hasOwn(body, 'default')) this.variables[name] = literal(body['default']);
    }
  }

  /** Evaluates an attribute value as hcl2json gives it (strings, JSON lists and objects). */
  async value(raw: unknown, bindings: Record<string, Value> = {}): Promise<Value> {
    if (typeof raw === 'string') {
      if (!raw.includes('${')) return raw;
      return this.node(await attributeAst(raw), bindings);
    }
    if (Array.isArray(raw)) return Promise.all(raw.map((item) => this.value(item, bindings)));
    if (isRecord(raw)) {
      const result: Record<string, Value> = {};
      for (const [key, item] of Object.entries(raw)) result[key] = await this.value(item, bindings);
      return result;
    }
    return literal(raw);
  }

  /** Evaluates an expression's source text. */
  async expression(source: string, bindings: Record<string, Value> = {}): Promise<Value> {
    return this.node(await expressionAst(source), bindings);
  }

  local(name: string): Promise<Value> {
    let cached = this.localValues.get(name);
    if (cached === undefined) {
      if (!Object.hasOwn(this.stack.locals, name)) {
        throw new Error(`${basename(this.stack.dir)} declares no local "${name}"`);
      }
      cached = this.value(this.stack.locals[name]);
      this.localValues.set(name, cached);
    }
    return cached;
  }

  /** The error messages of the variable validations that fail (empty: Terraform accepts the values). */
  async failedValidations(): Promise<string[]> {
    const failed: string[] = [];
    for (const [name, body] of Object.entries(this.stack.variables)) {
      if (!Object.hasOwn(this.variables, name)) continue;
      for (const validation of blocks(body, 'validation')) {
        let ok: Value;
        try {
          ok = await this.value(validation['condition']);
        } catch (error) {
          // Terraform reports an error in a condition as a failure too.
          failed.push(`${name}: ${(error as Error).message}`);
          continue;
        }
        if (ok !== true) failed.push(`${name}: ${String(validation['error_message'])}`);
      }
    }
    return failed;
  }

  private async node(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const evaluate = (child: AstNode | undefined): Promise<Value> => {
      if (child === undefined) throw new Error(`incomplete expression ${node.meta.value ?? ''}`);
      return this.node(child, bindings);
    };
    switch (node.type) {
      case 'templateWrap':
        return evaluate(node.children[0]);
      case '':
        // Parentheses.
        if (node.children.length !== 1) throw new Error('unexpected expression wrapper');
        return evaluate(node.children[0]);
      case 'literalValue': {
        const text = String(node.meta.value);
        if (node.meta['type'] === 'string') return decodeLiteral(text);
        if (node.meta['type'] === 'number') return Number(text);
        if (node.meta['type'] === 'bool') return text === 'true';
        if (text === 'null') return null;
        throw new Error(`unsupported literal ${text}`);
      }
      case 'template': {
        const parts = await Promise.all(node.children.map(evaluate));
        if (parts.some(isUnknown)) return UNKNOWN;
        return parts.map((part) => asString(part, `template ${node.meta.value ?? ''}`)).join('');
      }
      case 'tuple':
        return Promise.all(node.children.map(evaluate));
      case 'object':
        return this.object(node, bindings);
      case 'scopeTraversal':
        return this.traversal(node, bindings);
      case 'conditional': {
        const condition = await evaluate(node.children[0]);
        if (condition === UNKNOWN) return UNKNOWN;
        return evaluate(asBool(condition, node.meta.value ?? '') ? node.children[1] : node.children[2]);
      }
      case 'unaryOp': {
        const operand = await evaluate(node.children[0]);
        if (operand === UNKNOWN) return UNKNOWN;
        if (node.meta['operator'] === 'logicalNot') return !asBool(operand, node.meta.value ?? '');
        if (node.meta['operator'] === 'negate' && typeof operand === 'number') return -operand;
        throw new Error(`unsupported operator in ${node.meta.value ?? ''}`);
      }
      case 'binaryOp':
        return this.binary(node, bindings);
      case 'function':
        return this.call(node, bindings);
      case 'for':
        return this.forExpression(node, bindings);
      default:
        throw new Error(`unsupported expression (${node.type}): ${node.meta.value ?? ''}`);
    }
  }

  private async object(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const items = node.meta['items'];
    if (!isRecord(items)) throw new Error(`object without items: ${node.meta.value ?? ''}`);
    const result: Record<string, Value> = {};
    for (const [keySource, valueSource] of Object.entries(items)) {
      const key = /^[A-Za-z_][\w-]*$/.test(keySource)
        ? keySource
        : asString(await this.expression(keySource, bindings), `key ${keySource}`);
      result[key] = await this.expression(String(valueSource), bindings);
    }
    return result;
  }

  private async traversal(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const parts = node.meta['traversal'];
    if (!Array.isArray(parts) || parts.length === 0) {
      throw new Error(`empty traversal ${node.meta.value ?? ''}`);
    }
    const steps = (parts as { type: string; segment: string }[]).map((part) => ({
      index: part.type === 'indexTraversal',
      segment: part.type === 'indexTraversal' ? (JSON.parse(part.segment) as string | number) : part.segment,
    }));
    const root = String(steps[0]!.segment);
    let value: Value;
    let rest = steps.slice(1);
    if (root === 'var') {
      const name = String(rest[0]?.segment);
      if (!Object.hasOwn(this.stack.variables, name)) throw new Error(`undeclared variable var.${name}`);
      if (!Object.hasOwn(this.variables, name)) throw new Error(`variable "${name}" has no value`);
      value = this.variables[name]!;
      rest = rest.slice(1);
    } else if (root === 'local') {
      value = await this.local(String(rest[0]?.segment));
      rest = rest.slice(1);
    } else if (Object.hasOwn(bindings, root)) {
      value = bindings[root]!;
    } else if (root === 'data' || Object.hasOwn(this.stack.resources, root)) {
      // An attribute of a resource: known after apply.
      const type = root === 'data' ? undefined : this.stack.resources[root];
      const name = String(rest[0]?.segment);
      if (type !== undefined && !Object.hasOwn(type, name)) throw new Error(`no resource ${root}.${name}`);
      return UNKNOWN;
    } else {
      throw new Error(`unknown reference ${node.meta.value ?? root}`);
    }
    for (const step of rest) {
      if (value === UNKNOWN) return UNKNOWN;
      if (Array.isArray(value) && typeof step.segment === 'number') value = value[step.segment] ?? null;
      else if (isRecord(value) && Object.hasOwn(value, String(step.segment))) {
        value = (value as Record<string, Value>)[String(step.segment)]!;
      } else {
        throw new Error(`${node.meta.value ?? ''}: no ${String(step.segment)} in ${JSON.stringify(value)}`);
      }
    }
    return value;
  }

  private async binary(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const operator = String(node.meta['operator']);
    const [left, right] = node.children;
    if (left === undefined || right === undefined) throw new Error(`incomplete ${node.meta.value ?? ''}`);
    const lhs = await this.node(left, bindings);
    // && and || short-circuit on a known operand, as Terraform 1.x's do not need the other.
    if (operator === 'logicalAnd' && lhs === false) return false;
    if (operator === 'logicalOr' && lhs === true) return true;
    const rhs = await this.node(right, bindings);
    if (lhs === UNKNOWN || rhs === UNKNOWN) return UNKNOWN;
    const where = node.meta.value ?? operator;
    switch (operator) {
      case 'logicalAnd':
        return asBool(lhs, where) && asBool(rhs, where);
      case 'logicalOr':
        return asBool(lhs, where) || asBool(rhs, where);
      case 'equal':
        return equal(lhs, rhs);
      case 'notEqual':
        return !equal(lhs, rhs);
      case 'greaterThan':
      case 'greaterThanOrEqual':
      case 'lessThan':
      case 'lessThanOrEqual': {
        if (typeof lhs !== 'number' || typeof rhs !== 'number') throw new Error(`${where}: not numbers`);
        if (operator === 'greaterThan') return lhs > rhs;
        if (operator === 'greaterThanOrEqual') return lhs >= rhs;
        if (operator === 'lessThan') return lhs < rhs;
        return lhs <= rhs;
      }
      default:
        throw new Error(`unsupported operator ${operator} in ${where}`);
    }
  }

  private async call(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const name = String(node.meta['name']);
    if (name === 'can') {
      try {
        const value = await this.node(node.children[0]!, bindings);
        return value === UNKNOWN ? UNKNOWN : true;
      } catch {
        return false;
      }
    }
    const fn = FUNCTIONS[name];
    if (fn === undefined) throw new Error(`unsupported function ${name}() in ${node.meta.value ?? ''}`);
    const args = await Promise.all(node.children.map((child) => this.node(child, bindings)));
    if (args.some(isUnknown)) return UNKNOWN;
    return fn(args);
  }

  private async forExpression(node: AstNode, bindings: Record<string, Value>): Promise<Value> {
    const meta = node.meta;
    if (meta['groupedValue'] === true) {
      throw new Error(`grouping (...) is not supported: ${meta.value ?? ''}`);
    }
    const isObject = String(meta.value).trim().startsWith('{');
    const [collectionNode, ...rest] = node.children;
    const keyNode = isObject ? rest.shift() : undefined;
    const valueNode = rest.shift();
    const conditionNode = typeof meta['conditionalExpression'] === 'string' ? rest.shift() : undefined;
    if (collectionNode === undefined || valueNode === undefined || (isObject && keyNode === undefined)) {
      throw new Error(`incomplete for expression ${meta.value ?? ''}`);
    }
    const collection = await this.node(collectionNode, bindings);
    if (collection === UNKNOWN) return UNKNOWN;
    const entries: [Value, Value][] = Array.isArray(collection)
      ? collection.map((item, index) => [index, item])
      : Object.keys(asMap(collection, String(meta.value)))
          .sort()
          .map((key) => [key, (collection as Record<string, Value>)[key]!]);
    const keyVar = typeof meta['keyVar'] === 'string' ? meta['keyVar'] : '';
    const valVar = String(meta['valVar']);
    const result: Record<string, Value> = {};
    const list: Value[] = [];
    for (const [key, item] of entries) {
      const inner: Record<string, Value> = { ...bindings };
      inner[valVar] = item;
      if (keyVar !== '') inner[keyVar] = key;
      if (conditionNode !== undefined) {
        const keep = await this.node(conditionNode, inner);
        if (keep === UNKNOWN) return UNKNOWN;
        if (!asBool(keep, String(meta['conditionalExpression']))) continue;
      }
      const value = await this.node(valueNode, inner);
      if (keyNode === undefined) {
        list.push(value);
        continue;
      }
      const resultKey = await this.node(keyNode, inner);
      if (resultKey === UNKNOWN) return UNKNOWN;
      const text = asString(resultKey, String(meta['keyExpression']));
      if (Object.hasOwn(result, text)) throw new Error(`duplicate key "${text}" in ${meta.value ?? ''}`);
      result[text] = value;
    }
    return keyNode === undefined ? list : result;
  }
}

function literal(raw: unknown): Value {
  if (raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
    return raw;
  }
  if (Array.isArray(raw)) return raw.map(literal);
  if (isRecord(raw)) {
    return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, literal(value)]));
  }
  throw new Error(`unsupported literal ${JSON.stringify(raw)}`);
}

// ---------------------------------------------------------------------------------------------
// What a plan of the stack would name

/**
 * The instance keys of a resource: for_each keys (a map's keys, a set's strings), count indexes,
 * or [undefined] for a single instance. A for_each over another resource takes its keys.
 */
export async function instanceKeys(
  evaluator: Evaluator,
  type: string,
  name: string,
): Promise<(string | number | undefined)[]> {
  const body = resource(evaluator.stack, type, name);
  if (body['for_each'] !== undefined && body['count'] !== undefined) {
    throw new Error(`${type}.${name} sets both for_each and count`);
  }
  if (body['for_each'] !== undefined) {
    const source = stripInterpolation(expressionText(body['for_each']));
    const other = /^([a-z0-9_]+)\.([a-z0-9_]+)$/.exec(source);
    if (other && Object.hasOwn(evaluator.stack.resources, other[1]!)) {
      return instanceKeys(evaluator, other[1]!, other[2]!);
    }
    const value = await evaluator.value(body['for_each']);
    if (isUnknown(value)) throw new Error(`${type}.${name}: for_each is known only after apply`);
    if (Array.isArray(value)) {
      if (!value.every((item) => typeof item === 'string')) {
        throw new Error(`${type}.${name}: for_each over a list`);
      }
      return toSet(value) as string[];
    }
    return Object.keys(asMap(value, `${type}.${name} for_each`)).sort();
  }
  if (body['count'] !== undefined) {
    const count = await evaluator.value(body['count']);
    if (typeof count !== 'number') throw new Error(`${type}.${name}: count is no number`);
    return Array.from({ length: count }, (_item, index) => index);
  }
  return [undefined];
}

export function address(type: string, name: string, key: string | number | undefined): string {
  if (key === undefined) return `${type}.${name}`;
  return `${type}.${name}[${typeof key === 'number' ? key : JSON.stringify(key)}]`;
}

/** Every resource instance address a plan of the stack with these variables holds. */
export async function planAddresses(evaluator: Evaluator): Promise<Set<string>> {
  const addresses = new Set<string>();
  for (const [type, byName] of Object.entries(evaluator.stack.resources)) {
    for (const name of Object.keys(byName)) {
      for (const key of await instanceKeys(evaluator, type, name)) addresses.add(address(type, name, key));
    }
  }
  return addresses;
}

/** The iteration binding of one instance (each.key, each.value) of a for_each resource. */
export async function eachBinding(
  evaluator: Evaluator,
  type: string,
  name: string,
  key: string,
): Promise<Value> {
  const body = resource(evaluator.stack, type, name);
  const other = /^([a-z0-9_]+)\.[a-z0-9_]+$/.exec(stripInterpolation(expressionText(body['for_each'])));
  // each.value of a for_each over another resource is that resource's object: known after apply.
  if (other && Object.hasOwn(evaluator.stack.resources, other[1]!)) return { key, value: UNKNOWN };
  const value = await evaluator.value(body['for_each']);
  if (Array.isArray(value)) return { key, value: key };
  return { key, value: asMap(value, `${type}.${name} for_each`)[key] ?? null };
}

/** The bodies one dynamic block expands to, evaluated. */
export async function expandDynamic(evaluator: Evaluator, dynamic: DynamicBlock): Promise<Value[]> {
  const forEach = await evaluator.value(dynamic.forEach);
  if (isUnknown(forEach)) {
    throw new Error(`dynamic "${dynamic.iterator}": for_each is known only after apply`);
  }
  const entries: [Value, Value][] = Array.isArray(forEach)
    ? forEach.map((item, index) => [index, item])
    : Object.keys(asMap(forEach, `dynamic "${dynamic.iterator}" for_each`))
        .sort()
        .map((key) => [key, (forEach as Record<string, Value>)[key]!]);
  const result: Value[] = [];
  for (const [key, value] of entries) {
    result.push(await evaluator.value(dynamic.content, { [dynamic.iterator]: { key, value } }));
  }
  return result;
}

/** Expands the static and dynamic blocks `name` of a body into evaluated bodies. */
export async function expandBlocks(evaluator: Evaluator, body: Body, name: string): Promise<Value[]> {
  const result: Value[] = [];
  for (const item of blocks(body, name)) result.push(await evaluator.value(item));
  for (const dynamic of dynamicBlocks(body, name)) result.push(...(await expandDynamic(evaluator, dynamic)));
  return result;
}
