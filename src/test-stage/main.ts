import * as core from '@actions/core';
import { relative } from 'node:path';
import { loadContract } from '../lib/contract.js';
import { ConfigurationError } from '../lib/errors.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { describeResult, runChecks, type CheckResult } from './commands.js';
import { IMPORT_GUARD, Inputs, Outputs, STAGE } from './constants.js';
import { scanImports, type Unchecked, type Violation } from './import-guard.js';
import { describeInputs, readInputs, type TestInputs } from './inputs.js';
import { readJunitReports } from './junit.js';

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      // The guard reads files only: it runs beside the commands, and reports after them.
      const guard = startImportGuard(inputs);
      const results = await runChecks(inputs.checks, commandOptions(inputs), stage);
      if (guard !== undefined) results.push(await reportImportGuard(guard, results, inputs, stage));
      summarizeChecks(results, inputs, stage);
      if (inputs.junit !== '') await reportJunit(inputs, stage);
      requireAllPassed(results);
    },
  });
}

const commandOptions = (inputs: TestInputs) => ({
  cwd: inputs.workingDirectory,
  timeoutMs: inputs.timeoutMs,
  parallel: inputs.parallel,
});

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A workspace-relative path of a file the guard names, relative to the working directory. */
const shownPath = (inputs: TestInputs, file: string): string =>
  relative(inputs.workspace, `${inputs.workingDirectory}/${file}`);

/** What the guard found, or why it could not look; it never rejects. */
type GuardRun = { durationMs: number } & (
  | { violations: Violation[]; unchecked: Unchecked[]; rules: number; contractFile: string }
  | { error: unknown }
);

/** Reads the contract and scans the sources; `undefined` when no contract is given. */
function startImportGuard(inputs: TestInputs): Promise<GuardRun> | undefined {
  if (inputs.contract === '') return undefined;
  const started = performance.now();
  return (async () => {
    const contract = await loadContract(inputs.contract, Inputs.Contract);
    const rules = contract.imports.forbidden;
    const scan = await scanImports(inputs.workingDirectory, rules, contract.file, {
      maxFileBytes: inputs.maxFileBytes,
    });
    return {
      violations: scan.violations,
      unchecked: scan.unchecked,
      rules: rules.length,
      contractFile: contract.file,
    };
  })().then(
    (found) => ({ ...found, durationMs: performance.now() - started }),
    (error: unknown) => ({ error, durationMs: performance.now() - started }),
  );
}

/**
 * The guard's log group: one annotation per forbidden import, and their table. A contract that
 * cannot be read fails the step, once the summary says why beside the commands' results.
 */
async function reportImportGuard(
  guard: Promise<GuardRun>,
  commands: readonly CheckResult[],
  inputs: TestInputs,
  stage: Stage,
): Promise<CheckResult> {
  const title = `${IMPORT_GUARD}: runtime contract ${relative(inputs.workspace, inputs.contract)}`;
  return stage.group(title, async () => {
    const found = await guard;
    if ('error' in found) {
      // The commands' results stand; the headline says first why the step fails.
      const invalid = found.error instanceof ConfigurationError;
      const detail = invalid ? 'invalid runtime contract' : 'could not run';
      const guardResult = { name: IMPORT_GUARD, ok: false, detail, durationMs: found.durationMs };
      stage.row(IMPORT_GUARD, describeResult(guardResult));
      summarizeChecks([...commands, guardResult], inputs, stage);
      const failed = commands.filter((result) => !result.ok).length;
      stage.headline(
        `${invalid ? 'invalid runtime contract' : 'the import guard could not run'}${failed === 0 ? '' : `, and ${failed} of ${commands.length} checks failed`}`,
      );
      throw found.error;
    }
    const { violations, unchecked, rules, contractFile } = found;
    for (const violation of violations) {
      const alias =
        violation.alias === undefined
          ? ''
          : ` (imported as ${JSON.stringify(violation.alias.specifier)} through a paths alias of ${violation.alias.config})`;
      core.error(
        `${violation.module} must not be imported here${alias}: ${violation.rule.reason} (runtime contract rule at ${relative(inputs.workspace, contractFile)}:${violation.rule.line})`,
        {
          title: 'Runtime contract: forbidden import',
          file: shownPath(inputs, violation.file),
          startLine: violation.line,
        },
      );
    }
    reportUnchecked(unchecked, inputs, stage);
    core.info(`${IMPORT_GUARD}: ${plural(violations.length, 'forbidden import')} (${plural(rules, 'rule')})`);
    if (violations.length > 0) {
      stage.table({
        title: 'Forbidden imports',
        header: ['File', 'Module', 'Why not'],
        rows: violations.map((v) => [`${shownPath(inputs, v.file)}:${v.line}`, v.module, v.rule.reason]),
      });
    }
    const result: CheckResult = {
      name: IMPORT_GUARD,
      ok: violations.length === 0,
      durationMs: found.durationMs,
      detail: violations.length === 0 ? 'passed' : plural(violations.length, 'forbidden import'),
    };
    stage.row(IMPORT_GUARD, describeResult(result));
    return result;
  });
}

/**
 * What the guard did not check: one annotation each (a notice for a file over the size cap, a
 * warning otherwise), and one table. None of them fails the guard.
 */
function reportUnchecked(unchecked: readonly Unchecked[], inputs: TestInputs, stage: Stage): void {
  for (const item of unchecked) {
    const where = {
      title: item.level === 'notice' ? 'Import guard: file skipped' : 'Import guard: not checked',
      file: shownPath(inputs, item.file),
      ...(item.line === undefined ? {} : { startLine: item.line }),
    };
    const message = `${IMPORT_GUARD}: ${item.reason}`;
    if (item.level === 'notice') core.notice(message, where);
    else core.warning(message, where);
  }
  if (unchecked.length === 0) return;
  core.info(
    `${IMPORT_GUARD}: ${plural(unchecked.length, 'file or import')} not checked (see the annotations)`,
  );
  // A tree full of computed imports must not fill the summary (GitHub caps it at 1 MiB).
  const rows = unchecked
    .slice(0, UNCHECKED_ROWS)
    .map((item) => [
      `${shownPath(inputs, item.file)}${item.line === undefined ? '' : `:${item.line}`}`,
      item.reason,
    ]);
  if (unchecked.length > UNCHECKED_ROWS) {
    rows.push(['…', `${unchecked.length - UNCHECKED_ROWS} more: see the annotations`]);
  }
  stage.table({ title: 'Not checked by the import guard', header: ['File', 'Why'], rows });
}

const UNCHECKED_ROWS = 50;

/** The summary's headline counts the checks (each one's row is written when it is done). */
function summarizeChecks(results: readonly CheckResult[], inputs: TestInputs, stage: Stage): void {
  if (inputs.parallel && inputs.checks.length > 1) stage.row('Ran', 'in parallel');
  const failed = results.filter((result) => !result.ok).length;
  stage.headline(
    failed === 0 ? `${results.length} checks passed` : `${failed} of ${results.length} checks failed`,
  );
}

/** Failed cases become annotations and a table; a report that cannot be read is a warning. */
async function reportJunit(inputs: TestInputs, stage: Stage): Promise<void> {
  const junit = await readJunitReports(inputs.workingDirectory, inputs.workspace, inputs.junit);
  if (junit.reports === 0) {
    core.warning(
      `${STAGE}: no JUnit report matches "${inputs.junit}" in ${relative(inputs.workspace, inputs.workingDirectory) || '.'}`,
    );
  }
  for (const problem of junit.problems) {
    core.warning(`${STAGE}: a JUnit report could not be read: ${problem}`);
    stage.note(`JUnit report skipped: ${problem}`);
  }
  for (const failure of junit.failed) {
    core.error(failure.message, {
      title: `${failure.kind === 'error' ? 'Error' : 'Failed'}: ${failure.name}`,
      ...(failure.file === undefined ? {} : { file: failure.file }),
      ...(failure.line === undefined ? {} : { startLine: failure.line }),
    });
  }
  if (junit.failed.length === 0) return;
  stage.table({
    title: `Failed tests (${junit.failed.length} of ${junit.tests}, from ${plural(junit.reports, 'report')})`,
    header: ['Suite', 'Test', 'Message', 'Location'],
    rows: junit.failed.map((f) => [
      f.suite,
      f.name,
      f.message.split('\n')[0] ?? '',
      f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}`,
    ]),
  });
}

/** Sets `failed` and fails the step when a check failed: all of them ran to the end. */
function requireAllPassed(results: readonly CheckResult[]): void {
  const failed = results.filter((result) => !result.ok).map((result) => result.name);
  setCheckedOutput(Outputs.Failed, failed.join(','), { kind: 'line', pattern: /^[a-z-]+(?:,[a-z-]+)*$/ });
  if (failed.length > 0) {
    throw new Error(`${failed.join(', ')} failed; every check ran to the end (see each one's log group)`);
  }
  core.info(`${STAGE}: all ${results.length} checks passed`);
}
