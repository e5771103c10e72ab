import * as core from '@actions/core';
import { relative } from 'node:path';
import { loadContract } from '../lib/contract.js';
import { formatMs } from '../lib/format.js';
import { findViolations, type Violation } from './import-guard.js';
import { runStage } from '../lib/stage.js';
import { writeSummarySection, type Row, type Table } from '../lib/summary.js';
import { runChecks, type CheckResult } from './commands.js';
import { IMPORT_GUARD, Outputs, STAGE } from './constants.js';
import { readInputs, type TestInputs } from './inputs.js';
import { readJunitReports, type JunitResult } from './junit.js';

async function importGuard(inputs: TestInputs): Promise<{ result: CheckResult; violations: Violation[] }> {
  const started = performance.now();
  const contract = await loadContract(inputs.contract);
  const violations = await findViolations(inputs.workingDirectory, contract.imports.forbidden, contract.file);
  for (const violation of violations) {
    const file = relative(inputs.workspace, `${inputs.workingDirectory}/${violation.file}`);
    core.error(
      `${violation.module} must not be imported here: ${violation.rule.reason} (runtime contract rule at ${relative(inputs.workspace, contract.file)}:${violation.rule.line})`,
      {
        title: 'Runtime contract: forbidden import',
        file,
        startLine: violation.line,
      },
    );
  }
  const rules = contract.imports.forbidden.length;
  core.info(
    `${IMPORT_GUARD}: ${violations.length} forbidden import${violations.length === 1 ? '' : 's'} (${rules} rule${rules === 1 ? '' : 's'})`,
  );
  return {
    result: {
      name: IMPORT_GUARD,
      ok: violations.length === 0,
      durationMs: performance.now() - started,
      detail:
        violations.length === 0
          ? 'passed'
          : `${violations.length} forbidden import${violations.length === 1 ? '' : 's'}`,
    },
    violations,
  };
}

function reportJunit(junit: JunitResult): Table | undefined {
  for (const problem of junit.problems) {
    core.warning(`${STAGE}: a JUnit report could not be read: ${problem}`);
  }
  for (const failure of junit.failed) {
    core.error(failure.message, {
      title: `${failure.kind === 'error' ? 'Error' : 'Failed'}: ${failure.name}`,
      ...(failure.file === undefined ? {} : { file: failure.file }),
      ...(failure.line === undefined ? {} : { startLine: failure.line }),
    });
  }
  if (junit.failed.length === 0) return undefined;
  return {
    title: `Failed tests (${junit.failed.length} of ${junit.tests}, from ${junit.reports} report${junit.reports === 1 ? '' : 's'})`,
    header: ['Suite', 'Test', 'Message', 'Location'],
    rows: junit.failed.map((f) => [
      f.suite,
      f.name,
      f.message.split('\n')[0] ?? '',
      f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}`,
    ]),
  };
}

export async function run(): Promise<void> {
  await runStage(STAGE, async () => {
    const started = Date.now();
    const inputs = readInputs();
    core.debug(`inputs: ${JSON.stringify(inputs)}`);
    const results: CheckResult[] = [];
    const tables: Table[] = [];
    const notes: string[] = [];
    let ok = false;
    try {
      // The guard reads files only: it runs beside the commands, and reports after them.
      const guard = inputs.contract === '' ? undefined : importGuard(inputs);
      guard?.catch(() => undefined);
      results.push(
        ...(await runChecks(inputs.checks, inputs.workingDirectory, inputs.timeoutMs, inputs.parallel)),
      );
      if (guard !== undefined) {
        core.startGroup(`${IMPORT_GUARD}: runtime contract ${relative(inputs.workspace, inputs.contract)}`);
        try {
          const { result, violations } = await guard;
          results.push(result);
          if (violations.length > 0) {
            tables.push({
              title: 'Forbidden imports',
              header: ['File', 'Module', 'Why not'],
              rows: violations.map((v) => [
                `${relative(inputs.workspace, `${inputs.workingDirectory}/${v.file}`)}:${v.line}`,
                v.module,
                v.rule.reason,
              ]),
            });
          }
        } finally {
          core.endGroup();
        }
      }
      if (inputs.junit !== '') {
        const junit = await readJunitReports(inputs.workingDirectory, inputs.workspace, inputs.junit);
        if (junit.reports === 0) {
          core.warning(
            `${STAGE}: no JUnit report matches "${inputs.junit}" in ${relative(inputs.workspace, inputs.workingDirectory) || '.'}`,
          );
        }
        const table = reportJunit(junit);
        if (table !== undefined) tables.push(table);
        notes.push(...junit.problems.map((problem) => `JUnit report skipped: ${problem}`));
      }
      const failed = results.filter((result) => !result.ok).map((result) => result.name);
      core.setOutput(Outputs.Failed, failed.join(','));
      ok = failed.length === 0;
      if (!ok) {
        throw new Error(`${failed.join(', ')} failed; every check ran to the end (see each one's log group)`);
      }
      core.info(`${STAGE}: all ${results.length} checks passed`);
    } finally {
      const rows: Row[] = results.map((r) => [
        r.name,
        `${r.ok ? '✅ passed' : `❌ ${r.detail}`} in ${formatMs(r.durationMs)}`,
      ]);
      rows.push([
        'Time',
        `${formatMs(Date.now() - started)}${inputs.parallel && inputs.checks.length > 1 ? ' (in parallel)' : ''}`,
      ]);
      const failedCount = results.filter((r) => !r.ok).length;
      await writeSummarySection({
        stage: STAGE,
        ok,
        headline: ok
          ? `${results.length} checks passed`
          : `${failedCount} of ${results.length} checks failed`,
        rows,
        tables,
        notes,
      });
    }
  });
}
