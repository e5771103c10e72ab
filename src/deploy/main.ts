import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { registerSecret } from '../lib/secrets.js';
import { runStage } from '../lib/stage.js';
import { writeSummarySection, type Row, type Table } from '../lib/summary.js';
import { parsePlan, summarisePlan, type PlanSummary } from './terraform-plan.js';
import { checkPlan, type Finding } from './checks.js';
import { Outputs, STAGE } from './constants.js';
import { readInputs, type DeployInputs } from './inputs.js';
import { preflightSecrets, secretReferences, type PreflightResult } from './preflight.js';
import { runningCommits, type RunningCommit } from './running-commit.js';
import { checkStaleCommit, describeRunning, type Decision } from './stale.js';
import {
  applyArgs,
  initArgs,
  outputArgs,
  planArgs,
  PLAN_HAS_CHANGES,
  showArgs,
  terraform,
} from './terraform.js';

interface TerraformOutput {
  value: unknown;
  sensitive?: boolean;
}

/** The GitHub API's whole budget, retries included (each Terraform command's deadline caps it). */
const STALE_CHECK_DEADLINE_MS = 60_000;

function describeInputs(inputs: DeployInputs): string {
  const { contract, vars, githubToken, ...rest } = inputs;
  return JSON.stringify({
    ...rest,
    contract: contract.file || '(default)',
    vars: vars.map(([name]) => `${name}=…`),
    githubToken: githubToken === '' ? '(empty)' : '(set)',
  });
}

/**
 * The stale-commit guard (see stale.ts) in its own log group; it adds the running commit and
 * the result to the summary rows, also when it fails. A stack without a Cloud Run service (the
 * platform stack) has nothing to guard.
 */
async function guardAgainstStaleCommit(
  inputs: DeployInputs,
  running: readonly RunningCommit[],
  applying: boolean,
  rows: Row[],
): Promise<Decision> {
  if (running.length === 0) return { outcome: 'apply', notes: [], result: '' };
  rows.push(['Running commit', describeRunning(running)]);
  let result = 'failed';
  core.startGroup('Stale-commit guard');
  try {
    const deadline = Date.now() + Math.min(STALE_CHECK_DEADLINE_MS, inputs.timeoutMs);
    const decision = await checkStaleCommit({
      applying,
      planOnly: inputs.planOnly,
      running,
      head: inputs.commit,
      token: inputs.githubToken,
      onStale: inputs.onStale,
      repository: inputs.repository,
      // The client and @actions/github load only when a comparison is needed: a lazy chunk.
      compare: async (base, head, signal) => {
        const { compareCommits } = await import('./github-compare.js');
        return compareCommits(base, head, {
          token: inputs.githubToken,
          repository: inputs.repository,
          apiUrl: inputs.githubApiUrl,
          deadline,
          signal,
        });
      },
    });
    for (const note of decision.notes) {
      if (note.level === 'warning') core.warning(`${STAGE}: ${note.message}`);
      else core.info(note.message);
    }
    if (decision.outcome === 'skip' && decision.message !== undefined) {
      core.warning(`${STAGE}: ${decision.message}`);
    }
    result = decision.result;
    return decision;
  } finally {
    core.endGroup();
    rows.push(['Stale check', result]);
  }
}

/**
 * What the steps after `terraform show -json` need of the plan: its summary and the commits the
 * running services carry. The document itself (several MB for a large stack) is not kept, so
 * that it can be collected while Terraform applies.
 */
function readPlan(json: string): { plan: PlanSummary; running: RunningCommit[] } {
  const document = parsePlan(json);
  return { plan: summarisePlan(document), running: runningCommits(document) };
}

function changeLine(plan: PlanSummary): string {
  const { add, change, replace, destroy } = plan.counts;
  return `${add} to add, ${change} to change, ${replace} to replace, ${destroy} to destroy`;
}

function envTables(plan: PlanSummary): Table[] {
  return plan.services.map((service) => ({
    title: `Environment of ${service.address} (${service.kind})`,
    header: ['Variable', 'Source'],
    rows: service.envUnknown
      ? [['(known after apply)', '']]
      : service.env.map((entry) => [
          entry.name,
          entry.source === 'secret'
            ? `secret ${entry.secret ?? '(known after apply)'}:${entry.version ?? 'latest'}`
            : entry.source,
        ]),
  }));
}

function reportFindings(findings: readonly Finding[]): void {
  for (const finding of findings) {
    if (finding.level === 'warning') core.warning(`${STAGE}: ${finding.message}`);
    else core.error(`${STAGE}: ${finding.message}`);
  }
}

export async function run(): Promise<void> {
  await runStage(STAGE, async () => {
    const started = Date.now();
    const inputs = await readInputs();
    core.debug(`inputs: ${describeInputs(inputs)}`);
    const tf = terraform(inputs.workingDirectory, inputs.timeoutMs);
    const rows: Row[] = [
      ['Environment', `${inputs.environment}${inputs.production ? ' (production)' : ''}`],
      ['Stack', inputs.workingDirectory],
    ];
    if (inputs.image !== '') rows.push(['Image', inputs.image]);
    rows.push([
      'Dev auth bypass',
      inputs.production ? 'false (production)' : String(inputs.allowDevAuthBypass),
    ]);
    const tables: Table[] = [];
    const notes: string[] = [];
    let ok = false;
    let headline = 'failed';
    // The saved plan and its JSON hold secret values: a private folder, deleted at the end.
    const planDir = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'deploy-plan-'));
    const planFile = join(planDir, 'tfplan');
    try {
      core.startGroup('terraform init');
      try {
        await tf.run('init', initArgs(inputs), { onOutput: (chunk) => process.stdout.write(chunk) });
      } finally {
        core.endGroup();
      }

      core.startGroup('terraform plan');
      let planExit: number;
      try {
        const result = await tf.run('plan', planArgs(inputs, planFile, inputs.declaresBypass), {
          okCodes: [PLAN_HAS_CHANGES],
        });
        planExit = result.code;
        // Only Terraform's own one-line summary: the full plan text can show values.
        const line = /^(Plan: .*|No changes\..*)$/m.exec(result.stdout)?.[1];
        core.info(line ?? `terraform plan exited with ${planExit}`);
      } finally {
        core.endGroup();
      }

      const shown = await tf.run('show', showArgs(planFile));
      const { plan, running } = readPlan(shown.stdout);
      const hasChanges = planExit === PLAN_HAS_CHANGES && plan.hasChanges;
      rows.push(['Changes', hasChanges ? changeLine(plan) : 'none']);
      tables.push(...envTables(plan));
      const changed = plan.changes.filter((change) => change.kind !== 'no-op' && change.kind !== 'read');
      if (changed.length > 0) {
        tables.push({
          title: 'Resource changes',
          header: ['Address', 'Action'],
          rows: changed.map((c) => [c.address, c.kind]),
        });
      }

      const findings = checkPlan(plan, {
        contract: inputs.contract,
        hasContract: inputs.contract.file !== '',
        environment: inputs.environment,
        production: inputs.production,
        allowDevAuthBypass: inputs.allowDevAuthBypass,
        bypassVariable: inputs.bypassVariable,
        allowDestroy: inputs.allowDestroy,
      });
      reportFindings(findings);
      notes.push(...findings.map((finding) => `${finding.level}: ${finding.message}`));
      const errors = findings.filter((finding) => finding.level === 'error');
      if (errors.length > 0) {
        throw new Error(
          `the plan breaks ${errors.length} rule${errors.length === 1 ? '' : 's'} of the runtime contract (see the errors above); nothing was applied`,
        );
      }

      // Never an older commit over a newer one: queued runs are not ordered.
      const stale = await guardAgainstStaleCommit(inputs, running, !inputs.planOnly && hasChanges, rows);
      if (stale.outcome === 'fail') {
        throw new Error(stale.message ?? 'the running service carries a newer commit');
      }
      if (stale.message !== undefined) notes.push(`warning: ${stale.message}`);
      for (const note of stale.notes.filter((n) => n.level === 'warning')) {
        notes.push(`warning: ${note.message}`);
      }
      const skipped = stale.outcome === 'skip';

      // A stale run applies nothing: its secrets do not matter.
      const references = skipped ? [] : secretReferences(plan);
      let preflight: PreflightResult[] = [];
      if (references.length > 0) {
        if (inputs.project === '') {
          throw new ConfigurationError(
            'input "project" is required: the plan reads Secret Manager secrets and the preflight checks each has a version',
          );
        }
        core.startGroup(`Secret preflight: ${references.length} secret${references.length === 1 ? '' : 's'}`);
        try {
          preflight = await preflightSecrets(references, inputs.project);
          for (const result of preflight) {
            core.info(
              `${result.secret}:${result.version} ${result.ok ? `ok (version ${result.resolved ?? '?'})` : 'MISSING'}`,
            );
          }
        } finally {
          core.endGroup();
        }
        tables.push({
          title: 'Secret preflight',
          header: ['Secret', 'Version', 'Result'],
          rows: preflight.map((r) => [
            r.secret,
            r.version,
            r.ok ? `✅ enabled (${r.resolved ?? '?'})` : `❌ ${r.problem ?? ''}`,
          ]),
        });
        const missing = preflight.filter((result) => !result.ok);
        for (const result of missing) core.error(`${STAGE}: ${result.problem ?? result.secret}`);
        if (missing.length > 0) {
          throw new Error(
            `${missing.length} secret${missing.length === 1 ? '' : 's'} not ready: ${missing.map((m) => m.secret).join(', ')}; nothing was applied`,
          );
        }
      }

      if (skipped) {
        headline = 'not applied: the running service carries a newer commit (on-stale: skip)';
      } else if (inputs.planOnly || !hasChanges) {
        headline = inputs.planOnly
          ? `planned (${hasChanges ? changeLine(plan) : 'no changes'}), not applied`
          : 'no changes';
      } else {
        core.startGroup('terraform apply (the saved plan)');
        try {
          await tf.run('apply', applyArgs(inputs, planFile), {
            onOutput: (chunk) => process.stdout.write(chunk),
          });
        } finally {
          core.endGroup();
        }
        headline = `applied (${changeLine(plan)})`;
      }

      let outputs: Record<string, unknown> = {};
      if (!inputs.planOnly) {
        const printed = await tf.run('output', outputArgs());
        const all = JSON.parse(printed.stdout || '{}') as Record<string, TerraformOutput>;
        // A sensitive output is never set as an output; mask it too, should anything echo it.
        for (const output of Object.values(all)) {
          if (output.sensitive === true && typeof output.value === 'string') registerSecret(output.value);
        }
        outputs = Object.fromEntries(
          Object.entries(all)
            .filter(([, output]) => output.sensitive !== true)
            .map(([name, output]) => [name, output.value]),
        );
      }
      core.setOutput(Outputs.HasChanges, String(hasChanges));
      core.setOutput(Outputs.Stale, String(skipped));
      core.setOutput(Outputs.Outputs, JSON.stringify(outputs));
      const text = (value: unknown): string => (typeof value === 'string' ? value : '');
      core.setOutput(Outputs.Url, text(outputs['url']));
      core.setOutput(Outputs.Revision, text(outputs['revision']));
      if (text(outputs['url'])) rows.push(['URL', text(outputs['url'])]);
      if (text(outputs['revision'])) rows.push(['Revision', text(outputs['revision'])]);
      ok = true;
      core.info(`${STAGE}: ${headline}`);
    } catch (error) {
      if (!notes.includes(messageOf(error))) notes.push(messageOf(error));
      throw error;
    } finally {
      rmSync(planDir, { recursive: true, force: true });
      rows.push(['Time', formatMs(Date.now() - started)]);
      await writeSummarySection({ stage: STAGE, ok, headline, rows, tables, notes });
    }
  });
}
