import { globToRegExp } from '../lib/glob.js';
import { ContractError, type ForbiddenImportRule } from '../lib/contract.js';
import { messageOf } from '../lib/errors.js';
import { jsImportRefs } from './js-imports.js';
import { scanPythonImports, type PythonImportRef } from './python-imports.js';
import { compareText, listSourceFiles, SourceReader, type ListingProblem } from './source-files.js';
import { readPathAliases, type PathAliases } from './tsconfig-paths.js';

/** One forbidden import: where it is, what it imports and the rule it breaks. */
export interface Violation {
  /** Relative to the scanned root, with `/`. */
  file: string;
  line: number;
  /** The module as the file imports it (`google.cloud.secretmanager_v1`). */
  module: string;
  rule: ForbiddenImportRule;
  /** The specifier as written when a tsconfig/jsconfig `paths` alias maps it onto `module`. */
  alias?: { specifier: string; config: string };
}

/** A file the guard did not check, or checked only in part, and why. */
export interface Unchecked {
  /** Relative to the scanned root, with `/`. */
  file: string;
  /** Where the reason is (a dynamic import's line); absent for a whole file. */
  line?: number;
  /**
   * `notice`: skipped on purpose (over the size cap); `warning`: the guard could not look
   * (unreadable, a link out of the root, a computed import, a scanner failure).
   */
  level: 'notice' | 'warning';
  reason: string;
}

/** What one run of the guard found. */
export interface GuardScan {
  violations: Violation[];
  /** Sorted by file, then line. */
  unchecked: Unchecked[];
  /** Files read and scanned. */
  scanned: number;
}

export interface ScanOptions {
  /** Files larger than this many bytes are not read (a notice names each). */
  maxFileBytes: number;
}

/** The default size cap: far above any hand-written module, below a bundle's size. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
/**
 * The bytes of file text held at once (read, not yet scanned), so that many large files read
 * together do not add up; a single file larger than this is read alone.
 */
const READ_BUDGET_BYTES = 16 * 1024 * 1024;

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

/** {@link scanImports}, only the violations (with the default size cap). */
export async function findViolations(
  root: string,
  rules: ForbiddenImportRule[],
  contractFile: string,
): Promise<Violation[]> {
  return (await scanImports(root, rules, contractFile, { maxFileBytes: DEFAULT_MAX_FILE_BYTES })).violations;
}

/**
 * Every import in the files under `root` that a rule forbids, sorted by file, then line.
 * A rule applies to the Python (.py, .pyi) and JavaScript/TypeScript files whose path
 * relative to `root` matches one of its `paths` globs (see {@link globToRegExp}); folders of
 * other people's code are never scanned (see `listSourceFiles`). `from a import b, c` with `a`
 * forbidden is one violation, at the line of `a`. `contractFile` names the contract in the
 * errors about its rules.
 *
 * One file never stops the scan: a file that cannot be read (a loop of links, permissions), a
 * link that leads out of `root` (never followed), a file over `maxFileBytes` (never read) or
 * one a scanner fails on is listed in `unchecked` with why, and every other file is still
 * scanned. So is every call whose module is computed (`import(name)`, `import_module(name)`):
 * no rule can be checked against it. JavaScript and TypeScript specifiers are also resolved
 * through the `compilerOptions.paths` aliases of `root`'s tsconfig.json and jsconfig.json.
 */
export async function scanImports(
  root: string,
  rules: ForbiddenImportRule[],
  contractFile: string,
  options: ScanOptions,
): Promise<GuardScan> {
  if (rules.length === 0) return { violations: [], unchecked: [], scanned: 0 };
  const matchers = rules.map((rule) => pathMatcher(rule, contractFile));
  const listing: ListingProblem[] = [];
  const files = await listSourceFiles(root, listing);
  const unchecked: Unchecked[] = listing.map(({ path, reason }) => ({
    file: path === '' ? '.' : path,
    level: 'warning',
    reason: `folder not scanned: ${reason}`,
  }));
  const work: { file: string; python: boolean; rules: ForbiddenImportRule[] }[] = [];
  for (const file of files) {
    const python = hasExtension(file, PYTHON_EXTENSIONS);
    if (!python && !hasExtension(file, JS_EXTENSIONS)) continue;
    const applying = rules.filter((_rule, index) => matchers[index]?.test(file) === true);
    if (applying.length > 0) work.push({ file, python, rules: applying });
  }
  const reader = await SourceReader.open(root);
  const budget = new ByteBudget(READ_BUDGET_BYTES);
  // Aliases matter only to JavaScript and TypeScript files.
  const aliasConfig = work.some((item) => !item.python)
    ? await readPathAliases(reader, options.maxFileBytes)
    : undefined;
  for (const { file, reason } of aliasConfig?.problems ?? []) {
    unchecked.push({ file, level: 'warning', reason });
  }
  const aliases = aliasConfig?.aliases;
  let scanned = 0;
  const found = await mapWithConcurrency(work, READ_CONCURRENCY, async (item): Promise<Violation[]> => {
    const text = await readWithin(reader, budget, item.file, options.maxFileBytes, unchecked);
    if (text === undefined) return [];
    try {
      const imports = item.python ? scanPythonImports(text.value) : jsImportRefs(text.value);
      scanned++;
      return violationsIn(item.file, imports, item.rules, item.python ? undefined : aliases, unchecked);
    } catch (error) {
      // A scanner bug must cost this file only, and say so.
      unchecked.push({
        file: item.file,
        level: 'warning',
        reason: `could not be scanned: ${messageOf(error)}`,
      });
      return [];
    } finally {
      text.release();
    }
  });
  return {
    violations: found.flat().sort((a, b) => compareText(a.file, b.file) || a.line - b.line),
    unchecked: unchecked.sort((a, b) => compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0)),
    scanned,
  };
}

/** A size for people: bytes, KiB or MiB. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * The text of one listed file, held against the byte budget until `release()`; `undefined`
 * when there is nothing to scan (and, when that needs saying, an entry in `unchecked`).
 */
async function readWithin(
  reader: SourceReader,
  budget: ByteBudget,
  file: string,
  maxFileBytes: number,
  unchecked: Unchecked[],
): Promise<{ value: string; release: () => void } | undefined> {
  const source = await reader.openSourceFile(file);
  switch (source.kind) {
    case 'absent':
      return undefined;
    case 'outside':
      unchecked.push({
        file,
        level: 'warning',
        reason: 'not scanned: a symbolic link that leads out of the working directory is not followed',
      });
      return undefined;
    case 'unreadable':
      unchecked.push({ file, level: 'warning', reason: `could not be read: ${source.reason}` });
      return undefined;
    case 'open':
      break;
  }
  if (source.size > maxFileBytes) {
    source.close();
    unchecked.push({
      file,
      level: 'notice',
      reason: `not scanned: ${formatBytes(source.size)}, over the size cap of ${formatBytes(maxFileBytes)} (input import-guard-max-file-size)`,
    });
    return undefined;
  }
  const release = await budget.reserve(source.size);
  try {
    return { value: await source.read(), release };
  } catch (error) {
    release();
    const code = (error as NodeJS.ErrnoException).code;
    unchecked.push({
      file,
      level: 'warning',
      reason: `could not be read: ${code === undefined ? messageOf(error) : `error ${code}`}`,
    });
    return undefined;
  }
}

/**
 * Bytes held at once, at most `limit`: `reserve(n)` waits until `n` more fit (or nothing else
 * is held, so that a file above the limit still goes, alone) and answers the release.
 */
class ByteBudget {
  private held = 0;
  private readonly waiting: { bytes: number; start: () => void }[] = [];

  constructor(private readonly limit: number) {}

  reserve(bytes: number): Promise<() => void> {
    return new Promise((resolve) => {
      const start = (): void => {
        this.held += bytes;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.held -= bytes;
          this.wake();
        });
      };
      if (this.waiting.length === 0 && this.fits(bytes)) start();
      else this.waiting.push({ bytes, start });
    });
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limit;
  }

  private wake(): void {
    for (let next = this.waiting[0]; next !== undefined && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      next.start();
    }
  }
}

/** The violations among one file's imports; its computed imports go to `unchecked`. */
function violationsIn(
  file: string,
  imports: PythonImportRef[],
  rules: ForbiddenImportRule[],
  aliases: PathAliases | undefined,
  unchecked: Unchecked[],
): Violation[] {
  const violations: Violation[] = [];
  for (const { module, line, dynamic } of imports) {
    if (dynamic === true) {
      unchecked.push({
        file,
        line,
        level: 'warning',
        reason: `cannot check a dynamic import: the module given to ${module}() is computed; write the module name as a literal string so that the runtime contract can be checked`,
      });
    }
  }
  for (const rule of rules) {
    const forbids = (module: string): boolean =>
      rule.modules.some((forbidden) => moduleMatches(module, forbidden));
    for (const { module, line, parent, dynamic } of imports) {
      if (dynamic === true) continue;
      // `from a import b` with `a` forbidden: `a` is the violation, `a.b` would repeat it.
      if (forbids(module) && (parent === undefined || !forbids(parent))) {
        violations.push({ file, line, module, rule });
        continue;
      }
      const aliased = aliases?.resolve(module).find((target) => forbids(target.module));
      if (aliased !== undefined) {
        violations.push({
          file,
          line,
          module: aliased.module,
          rule,
          alias: { specifier: module, config: aliased.config },
        });
      }
    }
  }
  return violations;
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
