// The parser and validator of runtime-contract.yml, apart from the contract model so that the
// YAML library is loaded only when a contract file is read.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ParsedNode, YAMLError, YAMLMap, YAMLSeq } from 'yaml';
import {
  ALWAYS_PRODUCTION,
  ContractError,
  DEFAULT_SECRET_NAMING,
  type ForbiddenImportRule,
  type RuntimeContract,
} from './contract.js';

/** Parses and validates the text of `runtime-contract.yml`; every mistake names the key and the line. */
export function parseContract(text: string, file: string): RuntimeContract {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    throw new ContractError(
      `invalid YAML: ${describeSyntaxError(syntaxError)}`,
      file,
      lineCounter.linePos(syntaxError.pos[0]).line,
    );
  }
  return new ContractReader(lineCounter, file).read(document.contents);
}

function describeSyntaxError(error: YAMLError): string {
  // The library's own advice ("please use YAML.parseAllDocuments()") is for programmers.
  if (error.code === 'MULTIPLE_DOCS') return 'the contract is one YAML document; remove the second one';
  return error.message;
}

const TOP_KEYS = ['version', 'environments', 'env', 'secrets', 'imports'];
const ENVIRONMENT_KEYS = ['production'];
const SECRETS_KEYS = ['naming'];
const IMPORTS_KEYS = ['forbidden'];
const RULE_KEYS = ['paths', 'modules', 'reason'];
const ENV_CATEGORIES = {
  'required-secrets': 'requiredSecrets',
  'optional-secrets': 'optionalSecrets',
  'required-plain': 'requiredPlain',
  'optional-plain': 'optionalPlain',
  'code-defaults': 'codeDefaults',
  'dev-only-plain': 'devOnlyPlain',
  'dev-only-secrets': 'devOnlySecrets',
} as const satisfies Record<string, keyof RuntimeContract['env']>;

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]*$/;
const VARIABLE_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** A Python module (`google.cloud.iam`). */
const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A JavaScript module: `pkg`, `@scope/pkg`, `pkg/sub`, `node:fs`; dots only inside a part. */
const JS_MODULE =
  /^(?!.*\.\.)(?:node:)?(?:@[A-Za-z0-9](?:[\w.-]*[\w-])?\/)?[A-Za-z0-9](?:[\w.-]*[\w-])?(?:\/[\w-](?:[\w.-]*[\w-])?)*$/;
/** Outside its placeholders, a Secret Manager id holds only these characters. */
const SECRET_ID_TEXT = /^[A-Za-z0-9_-]*$/;

/** A key of a mapping and its value. */
interface Field {
  path: string;
  keyNode: ParsedNode;
  value: ParsedNode | null;
}

/** Walks the parsed document, so that every mistake can name its key path and line. */
class ContractReader {
  constructor(
    private readonly lineCounter: LineCounter,
    private readonly file: string,
  ) {}

  read(contents: ParsedNode | null): RuntimeContract {
    const root = this.withoutAlias(contents, 'the contract');
    if (root === null || isEmpty(root)) {
      throw new ContractError(
        'the contract is empty; it must be a mapping that starts with "version: 1"',
        this.file,
        undefined,
      );
    }
    if (!isMap(root)) {
      throw this.fail(
        root,
        'the contract',
        `expected a mapping that starts with "version: 1", found ${describe(root)}`,
      );
    }
    const fields = this.fields(root, '', TOP_KEYS);

    const version = fields.get('version');
    if (version === undefined) throw this.fail(root, 'version', 'missing; add "version: 1"');
    if (version.value === null || !isScalar(version.value) || version.value.value !== 1) {
      throw this.fail(
        version.value ?? version.keyNode,
        'version',
        `expected 1, found ${describe(version.value)}`,
      );
    }

    return {
      file: this.file,
      version: 1,
      environments: this.environments(fields.get('environments')),
      env: this.env(fields.get('env')),
      secrets: { naming: this.naming(fields.get('secrets')) },
      imports: { forbidden: this.forbidden(fields.get('imports')) },
    };
  }

  private environments(field: Field | undefined): RuntimeContract['environments'] {
    const environments: RuntimeContract['environments'] = {
      dev: { production: false },
      prod: { production: true },
    };
    const node = this.optionalMapping(field, 'a mapping of environment names');
    if (node === undefined) return environments;
    for (const [name, entry] of this.fields(node, 'environments', null)) {
      if (!ENVIRONMENT_NAME.test(name)) {
        throw this.fail(
          entry.keyNode,
          entry.path,
          `${quote(name)} is not an environment name; use lower-case letters, digits and -, starting with a letter`,
        );
      }
      const settings = this.optionalMapping(entry, 'a mapping such as {production: true}');
      const fields =
        settings === undefined
          ? new Map<string, Field>()
          : this.fields(settings, entry.path, ENVIRONMENT_KEYS);
      const flag = fields.get('production');
      // prod and production need no flag: they are production whatever is written.
      let production = ALWAYS_PRODUCTION.includes(name);
      if (flag !== undefined) {
        if (flag.value === null || !isScalar(flag.value) || typeof flag.value.value !== 'boolean') {
          throw this.fail(
            flag.value ?? flag.keyNode,
            flag.path,
            `expected true or false, found ${describe(flag.value)}`,
          );
        }
        production = flag.value.value;
        if (!production && ALWAYS_PRODUCTION.includes(name)) {
          throw this.fail(
            flag.value,
            flag.path,
            'prod and production are always production environments; remove "production: false"',
          );
        }
      }
      environments[name] = { production };
    }
    return environments;
  }

  private env(field: Field | undefined): RuntimeContract['env'] {
    const env: RuntimeContract['env'] = {
      requiredSecrets: [],
      optionalSecrets: [],
      requiredPlain: [],
      optionalPlain: [],
      codeDefaults: [],
      devOnlyPlain: [],
      devOnlySecrets: [],
    };
    const node = this.optionalMapping(field, 'a mapping of name lists such as required-secrets');
    if (node === undefined) return env;
    const seen = new Map<string, string>();
    for (const [key, entry] of this.fields(node, 'env', Object.keys(ENV_CATEGORIES))) {
      const names = env[ENV_CATEGORIES[key as keyof typeof ENV_CATEGORIES]];
      const list = this.optionalList(entry, 'a list of environment variable names');
      list?.items.forEach((item, index) => {
        const path = `${entry.path}[${index}]`;
        const value = this.withoutAlias(item, path);
        if (value === null || !isScalar(value) || typeof value.value !== 'string') {
          throw this.fail(
            value ?? item,
            path,
            `expected an environment variable name such as DATABASE_URL, found ${describe(value)}`,
          );
        }
        const name = value.value;
        if (!VARIABLE_NAME.test(name)) {
          throw this.fail(
            value,
            path,
            `${quote(name)} is not an environment variable name; use capital letters, digits and _, not starting with a digit`,
          );
        }
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          const fix = earlier.startsWith(`${entry.path}[`)
            ? 'list each name once'
            : 'a name belongs to exactly one category';
          throw this.fail(value, path, `${name} is already listed as ${earlier}; ${fix}`);
        }
        seen.set(name, path);
        names.push(name);
      });
    }
    return env;
  }

  private naming(field: Field | undefined): string {
    const node = this.optionalMapping(field, 'a mapping such as {naming: "{name}-{environment}"}');
    if (node === undefined) return DEFAULT_SECRET_NAMING;
    const naming = this.fields(node, 'secrets', SECRETS_KEYS).get('naming');
    if (naming === undefined) return DEFAULT_SECRET_NAMING;
    const value = naming.value;
    if (value === null || !isScalar(value) || typeof value.value !== 'string') {
      throw this.fail(
        value ?? naming.keyNode,
        naming.path,
        `expected a string such as "{name}-{environment}", found ${describe(value)}`,
      );
    }
    const template = value.value;
    const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
      .map((match) => match[0])
      .find((placeholder) => placeholder !== '{name}' && placeholder !== '{environment}');
    if (unknown !== undefined) {
      throw this.fail(
        value,
        naming.path,
        `${quote(template)} has the unknown placeholder ${unknown}; use {name} and {environment}`,
      );
    }
    if (!template.includes('{name}')) {
      throw this.fail(
        value,
        naming.path,
        `${quote(template)} has no {name}; use a template such as "{name}-{environment}"`,
      );
    }
    if (!SECRET_ID_TEXT.test(template.replace(/\{(name|environment)\}/g, ''))) {
      throw this.fail(
        value,
        naming.path,
        `${quote(template)} makes invalid secret ids; outside {name} and {environment} use letters, digits, - and _`,
      );
    }
    return template;
  }

  private forbidden(field: Field | undefined): ForbiddenImportRule[] {
    const node = this.optionalMapping(field, 'a mapping such as {forbidden: [...]}');
    if (node === undefined) return [];
    const forbidden = this.fields(node, 'imports', IMPORTS_KEYS).get('forbidden');
    const list =
      forbidden === undefined
        ? undefined
        : this.optionalList(forbidden, 'a list of rules with paths, modules and reason');
    if (list === undefined) return [];
    return list.items.map((item, index) => {
      const path = `imports.forbidden[${index}]`;
      const rule = this.withoutAlias(item, path);
      if (rule === null || !isMap(rule)) {
        throw this.fail(
          rule ?? item,
          path,
          `expected a mapping with paths, modules and reason, found ${describe(rule)}`,
        );
      }
      const fields = this.fields(rule, path, RULE_KEYS);
      const line = this.lineOf(rule);
      return {
        paths: this.strings(rule, fields.get('paths'), `${path}.paths`, {
          expected: 'a path glob such as "src/**"',
          list: 'a list of path globs',
          missing: 'add a list of path globs such as ["src/**"]',
          check: (glob) =>
            glob.startsWith('/')
              ? `${quote(glob)} is absolute; use a relative glob such as "src/**"`
              : undefined,
        }),
        modules: this.strings(rule, fields.get('modules'), `${path}.modules`, {
          expected: 'a module name such as google.cloud.secretmanager',
          list: 'a list of module names',
          missing: 'add a list of module names such as [google.cloud.secretmanager]',
          check: (module) =>
            PYTHON_MODULE.test(module) || JS_MODULE.test(module)
              ? undefined
              : `${quote(module)} is not a module name; use a dotted Python module (google.cloud.iam) or a JavaScript package (pkg, @scope/pkg, pkg/sub)`,
        }),
        reason: this.reason(rule, fields.get('reason'), `${path}.reason`),
        line,
      };
    });
  }

  /** A required, non-empty list of distinct, non-blank strings (trimmed), each passing `check`. */
  private strings(
    rule: YAMLMap.Parsed,
    field: Field | undefined,
    path: string,
    rules: { expected: string; list: string; missing: string; check: (value: string) => string | undefined },
  ): string[] {
    if (field === undefined) throw this.fail(rule, path, `missing; ${rules.missing}`);
    const list = this.optionalList(field, rules.list);
    if (list === undefined || list.items.length === 0) {
      throw this.fail(field.value ?? field.keyNode, path, `the list is empty; ${rules.missing}`);
    }
    const seen = new Map<string, string>();
    return list.items.map((item, index) => {
      const itemPath = `${path}[${index}]`;
      const value = this.withoutAlias(item, itemPath);
      if (
        value === null ||
        !isScalar(value) ||
        typeof value.value !== 'string' ||
        value.value.trim() === ''
      ) {
        throw this.fail(value ?? item, itemPath, `expected ${rules.expected}, found ${describe(value)}`);
      }
      const text = value.value.trim();
      const problem = rules.check(text);
      if (problem !== undefined) throw this.fail(value, itemPath, problem);
      const earlier = seen.get(text);
      if (earlier !== undefined) {
        throw this.fail(value, itemPath, `${text} is already listed as ${earlier}; list each once`);
      }
      seen.set(text, itemPath);
      return text;
    });
  }

  private reason(rule: YAMLMap.Parsed, field: Field | undefined, path: string): string {
    if (field === undefined) throw this.fail(rule, path, 'missing; say why these imports are forbidden');
    const value = field.value;
    if (value === null || !isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
      throw this.fail(
        value ?? field.keyNode,
        path,
        `expected a sentence saying why, found ${describe(value)}`,
      );
    }
    return value.value.trim();
  }

  /** The mapping under a key; an absent or empty value is `undefined` (the defaults apply). */
  private optionalMapping(field: Field | undefined, expected: string): YAMLMap.Parsed | undefined {
    if (field === undefined || field.value === null || isEmpty(field.value)) return undefined;
    if (!isMap(field.value)) {
      throw this.fail(field.value, field.path, `expected ${expected}, found ${describe(field.value)}`);
    }
    return field.value;
  }

  /** The list under a key; an absent or empty value is `undefined`. */
  private optionalList(field: Field, expected: string): YAMLSeq.Parsed | undefined {
    if (field.value === null || isEmpty(field.value)) return undefined;
    if (!isSeq(field.value)) {
      throw this.fail(field.value, field.path, `expected ${expected}, found ${describe(field.value)}`);
    }
    return field.value;
  }

  /** The keys of a mapping, each checked against `allowed` (`null`: any key). */
  private fields(
    node: YAMLMap.Parsed,
    parent: string,
    allowed: readonly string[] | null,
  ): Map<string, Field> {
    const fields = new Map<string, Field>();
    for (const pair of node.items) {
      const keyNode = pair.key;
      const raw = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        throw this.fail(
          keyNode,
          parent || 'the contract',
          `expected a plain key, found ${describe(keyNode)}`,
        );
      }
      const key = String(raw);
      const path = parent === '' ? key : `${parent}.${key}`;
      if (allowed !== null && !allowed.includes(key)) {
        const guess = closest(key, allowed);
        const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
        throw this.fail(keyNode, path, `unknown key${hint}; use ${orList(allowed)}`);
      }
      fields.set(key, { path, keyNode, value: this.withoutAlias(pair.value, path) });
    }
    return fields;
  }

  /**
   * The node itself: aliases are refused, because the value of an alias lives on another line,
   * and every error and every rule's line must point at what the reader sees.
   */
  private withoutAlias(node: ParsedNode | null, path: string): ParsedNode | null {
    if (node === null || !isAlias(node)) return node;
    throw this.fail(node, path, `the alias *${node.source} is not supported here; write the value out`);
  }

  private lineOf(node: ParsedNode): number {
    return this.lineCounter.linePos(node.range[0]).line;
  }

  private fail(node: ParsedNode, path: string, message: string): ContractError {
    return new ContractError(`${path}: ${message}`, this.file, this.lineOf(node));
  }
}

function isEmpty(node: ParsedNode): boolean {
  return isScalar(node) && node.value === null;
}

/** What a node is, for messages. */
function describe(node: ParsedNode | null): string {
  if (node === null || isEmpty(node)) return 'an empty value';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return `the alias *${node.source}`;
  const value = node.value;
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return String(value);
  return 'a tagged value';
}

/** A string as JSON, shortened for messages. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}

/** The allowed key a typo most likely meant: at most two edits away. */
function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of options) {
    const distance = editDistance(word.toLowerCase(), option);
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
