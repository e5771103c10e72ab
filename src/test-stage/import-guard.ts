import { globToRegExp } from '../lib/glob.js';
import { readFile } from 'node:fs';
import { join } from 'node:path';
import { ContractError, type ForbiddenImportRule } from '../lib/contract.js';
import { jsImports } from './js-imports.js';
import { scanPythonImports, type PythonImportRef } from './python-imports.js';
import { compareText, listSourceFiles } from './source-files.js';

/** One forbidden import: where it is, what it imports and the rule it breaks. */
export interface Violation {
  /** Relative to the scanned root, with `/`. */
  file: string;
  line: number;
  /** The module as the file imports it (`google.cloud.secretmanager_v1`). */
  module: string;
  rule: ForbiddenImportRule;
}

const PYTHON_EXTENSIONS = ['.py', '.pyi'];
const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'];
/** Files read at once: enough to keep the disk busy, few enough to stay far from the fd limit. */
const READ_CONCURRENCY = 32;

/**
 * A versioned variant of a client: `_v1`, `_v1beta2`, `_v2alpha`, `_v1p1beta1`, then the end of
 * the name or a `.`/`/` boundary.
 */
const VERSION_SUFFIX = /^_v\d+(?:p\d+)?(?:(?:alpha|beta)\d*)?(?:$|[./])/;

/**
 * Whether `imported` is `forbidden` or inside it, by prefix on a `.` or `/` boundary:
 * `google.cloud.secretmanager` matches itself and `google.cloud.secretmanager.types`, not
 * `google.cloud.secretmanagerx`; `@google-cloud/secret-manager` matches
 * `@google-cloud/secret-manager/build/x`.
 *
 * DECISION: the last component of `forbidden` also matches its versioned variants
 * `<name>_v<digits>[p<digits>][alpha|beta[<digits>]]` (`google.cloud.secretmanager_v1`,
 * `google.cloud.secretmanager_v1beta2.types`). Google's client libraries publish each client
 * under versioned module names too; a rule names the client, and a versioned import is the
 * same client. `node:fs` and `fs` are the same module: the `node:` scheme is ignored on both
 * sides.
 */
export function moduleMatches(imported: string, forbidden: string): boolean {
  const name = withoutNodeScheme(imported);
  const prefix = withoutNodeScheme(forbidden);
  if (prefix === '' || !name.startsWith(prefix)) return false;
  if (name.length === prefix.length) return true;
  const boundary = name.charCodeAt(prefix.length);
  if (boundary === 46 || boundary === 47) return true;
  return VERSION_SUFFIX.test(name.slice(prefix.length));
}

function withoutNodeScheme(module: string): string {
  return module.startsWith('node:') ? module.slice(5) : module;
}

/**
 * Every import in the files under `root` that a rule forbids, sorted by file, then line.
 * A rule applies to the Python (.py, .pyi) and JavaScript/TypeScript files whose path
 * relative to `root` matches one of its `paths` globs (see {@link globToRegExp}); folders of
 * other people's code are never scanned (see `listSourceFiles`). `from a import b, c` with `a`
 * forbidden is one violation, at the line of `a`. `contractFile` names the contract in the
 * errors about its rules.
 */
export async function findViolations(
  root: string,
  rules: ForbiddenImportRule[],
  contractFile: string,
): Promise<Violation[]> {
  if (rules.length === 0) return [];
  const matchers = rules.map((rule) => pathMatcher(rule, contractFile));
  const work: { file: string; python: boolean; rules: ForbiddenImportRule[] }[] = [];
  for (const file of await listSourceFiles(root)) {
    const python = hasExtension(file, PYTHON_EXTENSIONS);
    if (!python && !hasExtension(file, JS_EXTENSIONS)) continue;
    const applying = rules.filter((_rule, index) => matchers[index]?.test(file) === true);
    if (applying.length > 0) work.push({ file, python, rules: applying });
  }
  const found = await mapWithConcurrency(
    work,
    READ_CONCURRENCY,
    async ({ file, python, rules: applying }) => {
      const text = await readSource(join(root, file));
      if (text === undefined) return [];
      return violationsIn(file, python ? scanPythonImports(text) : jsImports(text), applying);
    },
  );
  return found.flat().sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
}

function violationsIn(file: string, imports: PythonImportRef[], rules: ForbiddenImportRule[]): Violation[] {
  const violations: Violation[] = [];
  for (const rule of rules) {
    const forbids = (module: string): boolean =>
      rule.modules.some((forbidden) => moduleMatches(module, forbidden));
    for (const { module, line, parent } of imports) {
      // `from a import b` with `a` forbidden: `a` is the violation, `a.b` would repeat it.
      if (forbids(module) && (parent === undefined || !forbids(parent))) {
        violations.push({ file, line, module, rule });
      }
    }
  }
  return violations;
}

/**
 * The text of a source file; `undefined` when it vanished or is a folder (a submodule, a link).
 * The callback `readFile`: on this kind of load (thousands of small files) the promise version
 * takes about twice as long (measured on Node 20, 10,000 files).
 */
async function readSource(path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    readFile(path, 'utf8', (error, text) => {
      if (error === null) resolve(text);
      else if (error.code === 'ENOENT' || error.code === 'EISDIR') resolve(undefined);
      else reject(error);
    });
  });
}

function hasExtension(file: string, extensions: readonly string[]): boolean {
  return extensions.some((extension) => file.endsWith(extension));
}

/** `fn` over every item, at most `limit` at a time; results in the order of `items`. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One regular expression for all of a rule's globs; a glob that leaves the root is the contract's mistake. */
function pathMatcher(rule: ForbiddenImportRule, contractFile: string): RegExp {
  const sources = rule.paths.map((glob) => {
    const normalized = glob.replace(/^(?:\.\/)+/, '');
    if (normalized.split('/').includes('..')) {
      throw new ContractError(
        `imports.forbidden: the path glob ${JSON.stringify(glob)} leaves the working directory; write globs relative to it, such as "src/**"`,
        contractFile,
        rule.line,
      );
    }
    return globToRegExp(normalized).source;
  });
  return new RegExp(sources.map((source) => `(?:${source})`).join('|'));
}
