import * as core from '@actions/core';
import { rmSync } from 'node:fs';
import { join, relative as relativePath } from 'node:path';
import { CloudRun } from '../lib/cloud-run.js';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import type { GoogleApi } from '../lib/google-api.js';
import { googleApi } from '../lib/google-auth.js';
import { logLine } from '../lib/names.js';
import { writeFenced } from '../lib/relay.js';
import { outputProblem, setCheckedOutput, type OutputForm } from '../lib/outputs.js';
import { SecretManager } from '../lib/secret-manager.js';
import { redact, registerSecret } from '../lib/secrets.js';
import { runStage, type Stage } from '../lib/stage.js';
import { splitOutput, splitText } from '../lib/traffic.js';
import { checkPlanAgainstContract, undeclaredVars } from './checks.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import { reportFindings, type Finding } from './findings.js';
import { describeInputs, readInputs, type DeployInputs } from './inputs.js';
import { checkImage } from './image-check.js';
import { ApplyLog } from './apply-log.js';
import {
  applyTables,
  changeLine,
  environmentTables,
  preflightTable,
  resourceChangesTable,
} from './plan-tables.js';
import { PlanTextCollector } from './plan-text.js';
import { preflightSecrets, secretReferences } from './preflight.js';
import { buildReport, emptyReportState, runUrlOf, writeReport, type ReportState } from './report.js';
import { NO_REVISION_YET, readRunningImage } from './running-image.js';
import { runningCommits, type RunningCommit } from './running-commit.js';
import { checkStaleCommit, describeRunning, type Decision } from './stale.js';
import { parsePlan, summarisePlan, type PlanSummary } from './terraform-plan.js';
import {
  describeHeld,
  FIRST_DEPLOY,
  info,
  plannedTrafficFindings,
  readTraffic,
  sendToLatest,
  TRAFFIC_DEADLINE_MS,
  TrafficHold,
  type FoundTraffic,
} from './traffic-control.js';
import {
  applyArgs,
  initArgs,
  outputArgs,
  planArgs,
  PLAN_HAS_CHANGES,
  PRODUCT_NAME,
  showArgs,
  showTextArgs,
  stateBucketOf,
  terraform,
  writeVarsFile,
  type FailureHints,
  type IacTool,
  type TerraformRunner,
} from './terraform.js';

interface TerraformOutput {
  value: unknown;
  sensitive?: boolean;
}

/** The GitHub API's whole budget, retries included (each Terraform command's deadline caps it). */
const STALE_CHECK_DEADLINE_MS = 60_000;

/** The secret preflight's whole budget, retries included (the `timeout` input caps it). */
const PREFLIGHT_TIMEOUT_MS = 120_000;

/** The Cloud Run read of `image: running`, retries included (the `timeout` input caps it). */
const RUNNING_IMAGE_DEADLINE_MS = 60_000;

/** What `runTool` keeps of `show -no-color` itself: the collector keeps the text, bounded. */
const SHOW_TEXT_CAPTURE = 64 * 1024;

/** Terraform's own output, as it comes: init prints no values (the plan text can; apply's JSON is read). */
const streamed = { live: true };

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      const report = reportWriter(stage, inputs);
      try {
        await deploy(inputs, stage, report.state);
        report.write();
      } catch (error) {
        report.write(messageOf(error));
        throw error;
      }
    },
  });
}

/** The report of input `report-file`: written once, on every outcome (a cleanup catches the rest). */
function reportWriter(
  stage: Stage,
  inputs: DeployInputs,
): { state: ReportState; write: (error?: string) => void } {
  const state = emptyReportState();
  const written = { done: inputs.reportFile === '' };
  const write = (error?: string): void => {
    if (written.done) return;
    written.done = true;
    const built = buildReport(
      {
        environment: inputs.environment,
        stack: relativeStack(inputs.workingDirectory),
        tool: inputs.tool,
        runUrl: runUrlOf(process.env),
      },
      state,
      error,
    );
    try {
      writeReport(inputs.reportFile, built);
      setCheckedOutput(Outputs.Report, inputs.reportFile, { kind: 'line' });
      stage.row('Report', `${inputs.reportFile} (${built.outcome})`);
    } catch (writeError) {
      // The step's own outcome stands; a report that cannot be written is its own error.
      const message = `the report could not be written to ${inputs.reportFile}: ${redact(messageOf(writeError))}`;
      if (error === undefined) throw new Error(message, { cause: writeError });
      core.error(`${STAGE}: ${message}`);
    }
  };
  // A cancellation can end the step before the steps unwind: the report is written then too.
  stage.defer(() =>
    write(stage.cancelled.aborted ? `cancelled (${String(stage.cancelled.reason)})` : undefined),
  );
  return { state, write };
}

/** The stack as the workspace names it (`infra/service`), else as resolved. */
function relativeStack(directory: string): string {
  const workspace = process.env['GITHUB_WORKSPACE'];
  if (workspace === undefined || workspace === '') return directory;
  const relative = relativePath(workspace, directory);
  return relative === '' ? '.' : relative.startsWith('..') ? directory : relative;
}

async function deploy(inputs: DeployInputs, stage: Stage, report: ReportState): Promise<void> {
  describeTarget(stage, inputs);
  // One Google client for the run (one token, fetched when first needed, never if not). It
  // stops with the step, except while pinned traffic is still to be put back: that request
  // must still go out when the run is cancelled.
  const traffic: TrafficRun = { found: undefined, hold: undefined };
  const googleStop = new AbortController();
  stage.cancelled.addEventListener(
    'abort',
    () => {
      if (traffic.hold?.armed !== true) googleStop.abort(stage.cancelled.reason);
    },
    { once: true },
  );
  const google = googleApi(process.env, googleStop.signal, (reason, waitMs) =>
    core.info(`${reason}; trying again in ${formatMs(waitMs)}`),
  );
  // Before any plan: the digest exists in the repository it must come from.
  await checkImage(stage, inputs, () => google.token());
  const image = inputs.imageFromService ? await runningImage(stage, inputs, google) : inputs.image;
  if (image === undefined) {
    // A first deploy is still to come: nothing runs whose configuration could drift.
    report.skipped = true;
    report.note = NO_REVISION_YET;
    info(NO_REVISION_YET);
    stage.headline(`not planned: ${NO_REVISION_YET}`);
    setOutputs(stage, {}, { hasChanges: false, skipped: false, previous: [] });
    return;
  }
  const planInputs = image === inputs.image ? inputs : { ...inputs, image };
  const tf = terraform(inputs.workingDirectory, inputs.timeoutMs, process.env, inputs.tool);
  // The saved plan, its JSON and the vars file hold secret values: a private folder (0700
  // under RUNNER_TEMP), deleted at the end whatever happens.
  const privateDir = stage.tempDir('deploy-plan-');
  const planFile = join(privateDir, 'tfplan');
  // The preflight's library loads while Terraform initialises (nothing is asked of Google).
  google.prepare();
  await init(stage, tf, inputs);
  // Before the plan: its refresh reads the pinned traffic, which the provider then sends.
  await readAndHoldTraffic(stage, inputs, google, traffic);
  const planExit = await plan(stage, tf, planInputs, { planFile, privateDir });
  const { planned, running, hasChanges } = await readPlan(stage, tf, {
    planFile,
    planExit,
    tool: inputs.tool,
  });
  report.planned = planned;
  report.hasChanges = hasChanges;
  if (inputs.reportFile !== '') report.planText = await planText(stage, tf, planFile);
  const found = (findings: readonly Finding[]): void => {
    report.findings.push(...findings);
    reportFindings(stage, findings);
  };
  checkThePlan(stage, inputs, planned, found);
  checkPlannedTraffic(inputs, planned, found);
  // Never an older commit over a newer one: queued runs are not ordered.
  const stale = await guardAgainstStaleCommit(stage, inputs, running, !inputs.planOnly && hasChanges, found);
  const skipped = stale.outcome === 'skip';
  if (skipped) {
    report.skipped = true;
    report.note = `not applied: the running service carries a newer commit (${Inputs.OnStale}: skip)`;
  }
  // A stale run applies nothing: its secrets do not matter.
  if (!skipped) await preflight(stage, inputs, planned, google, report);
  const applying = !skipped && !inputs.planOnly && hasChanges;
  // The apply starts: the pin stays. Nothing applied: the traffic goes back as found.
  if (applying) traffic.hold?.release();
  else await putTrafficBack(stage, traffic.hold);
  const headline = await applyIfNeeded(stage, tf, inputs, planFile, { planned, hasChanges, skipped });
  stage.headline(headline);
  if (applying) await trafficAfterApply(stage, inputs, google, traffic.found);
  const outputs = inputs.planOnly ? {} : await readOutputs(tf, inputs.tool);
  setOutputs(stage, outputs, { hasChanges, skipped, previous: traffic.found?.split ?? [] });
  core.info(`${STAGE}: ${headline}`);
}

/** `image: running`: the digest the service runs now, or undefined when it does not exist yet. */
async function runningImage(
  stage: Stage,
  inputs: DeployInputs,
  google: GoogleApi,
): Promise<string | undefined> {
  const ref = inputs.service;
  // inputs.ts refuses `running` without a service.
  if (ref === undefined) throw new ConfigurationError(`input "${Inputs.Service}" is required`);
  return stage.group(`The image ${ref.service} runs now`, async () => {
    const deadline = Date.now() + Math.min(RUNNING_IMAGE_DEADLINE_MS, inputs.timeoutMs);
    const image = await readRunningImage(new CloudRun(google), ref, deadline);
    if (image !== undefined) {
      info(`${ref.service} runs ${image}: the plan uses it`);
      stage.row('Image', `${image} (running now)`);
    }
    return image;
  });
}

/**
 * The saved plan as people read it, for the report: bounded, secrets removed, no escape codes.
 * A plan text that cannot be shown is a warning: the counts and changes are in the report.
 */
async function planText(
  stage: Stage,
  tf: TerraformRunner,
  planFile: string,
): Promise<{ text: string; cut: number } | undefined> {
  const collector = new PlanTextCollector();
  try {
    await tf.run('show', showTextArgs(planFile), {
      onOutput: (lines, stream) => {
        if (stream === 'stdout') collector.add(lines);
      },
      captureLimit: SHOW_TEXT_CAPTURE,
    });
  } catch (error) {
    if (stage.cancelled.aborted) throw error;
    stage.warning(`the plan text for the report could not be read: ${redact(messageOf(error))}`);
    return undefined;
  }
  return collector.result();
}

/** The traffic this run found (with input `service`) and its pin (`traffic: hold`). */
interface TrafficRun {
  found: FoundTraffic | undefined;
  hold: TrafficHold | undefined;
}

/**
 * With input `service`: reads the split serving now; with `traffic: hold` (not plan-only) pins
 * it by name, and arms a cleanup that puts it back exactly as found should the run end before
 * the apply (a failure, a cancellation).
 */
async function readAndHoldTraffic(
  stage: Stage,
  inputs: DeployInputs,
  google: GoogleApi,
  traffic: TrafficRun,
): Promise<void> {
  const ref = inputs.service;
  if (ref === undefined) return;
  const cloudRun = new CloudRun(google);
  await stage.group(`Traffic of ${ref.service} (${Inputs.Traffic}: ${inputs.traffic})`, async () => {
    const deadline = Date.now() + Math.min(TRAFFIC_DEADLINE_MS, inputs.timeoutMs);
    const found = await readTraffic(cloudRun, ref, deadline);
    traffic.found = found;
    if (!found.exists) {
      info(FIRST_DEPLOY);
      stage.row('Traffic', FIRST_DEPLOY);
      return;
    }
    info(`${ref.service} serves ${splitText(found.split)}`);
    stage.row('Serving before', splitText(found.split));
    if (inputs.traffic !== 'hold') return;
    if (inputs.planOnly) {
      info(`${Inputs.PlanOnly}: nothing is applied, so the traffic is not pinned`);
      return;
    }
    const hold = new TrafficHold(cloudRun, found, inputs.timeoutMs);
    traffic.hold = hold;
    stage.defer(async () => {
      try {
        const line = await hold.restore();
        if (line !== undefined) {
          info(line);
          stage.note(line);
        }
      } catch (error) {
        const message = redact(messageOf(error));
        core.error(`${STAGE}: ${message}`);
        stage.note(`error: ${message}`);
      }
    });
    const line = await hold.pin(stage.cancelled);
    info(line);
    stage.row('Traffic', `held (${line})`);
  });
}

/** Nothing is applied: a pin still armed goes back exactly as found (its failure fails the run). */
async function putTrafficBack(stage: Stage, hold: TrafficHold | undefined): Promise<void> {
  if (hold === undefined) return;
  const line = await stage.group('Traffic put back (nothing is applied)', () => hold.restore());
  if (line === undefined) return;
  info(line);
  stage.row('Traffic put back', line);
}

/** The plan against the traffic inputs: the service named must be the one planned; hold warns of a traffic change. */
function checkPlannedTraffic(
  inputs: DeployInputs,
  planned: PlanSummary,
  found: (findings: readonly Finding[]) => void,
): void {
  const findings = plannedTrafficFindings(planned, inputs.traffic, inputs.service);
  found(findings);
  const error = findings.find((finding) => finding.level === 'error');
  if (error !== undefined) throw new ConfigurationError(error.message);
}

/**
 * After the apply: `latest` sends 100 % to the latest revision (when the traffic is not that
 * already); `hold` says what serves and what the new revision got (0 %).
 */
async function trafficAfterApply(
  stage: Stage,
  inputs: DeployInputs,
  google: GoogleApi,
  found: FoundTraffic | undefined,
): Promise<void> {
  const ref = inputs.service;
  if (ref === undefined || found === undefined) return;
  const cloudRun = new CloudRun(google);
  if (inputs.traffic === 'latest') {
    const line = await stage.group(`Traffic of ${ref.service} to the latest revision`, () =>
      sendToLatest(cloudRun, ref, inputs.timeoutMs, stage.cancelled),
    );
    info(line);
    stage.row('Traffic after apply', line);
    return;
  }
  if (!found.exists) return;
  const { line } = await describeHeld(cloudRun, found, inputs.timeoutMs);
  info(line);
  stage.row('Traffic after apply', line);
}

/** The summary's first rows: where this run deploys what. */
function describeTarget(stage: Stage, inputs: DeployInputs): void {
  stage.row('Environment', `${inputs.environment}${inputs.production ? ' (production)' : ''}`);
  stage.row('Stack', inputs.workingDirectory);
  if (inputs.tool !== 'terraform') stage.row('Tool', `${PRODUCT_NAME[inputs.tool]} (${inputs.tool})`);
  if (inputs.image !== '') stage.row('Image', inputs.image);
  stage.row('Dev auth bypass', inputs.production ? 'false (production)' : String(inputs.allowDevAuthBypass));
}

async function init(stage: Stage, tf: TerraformRunner, inputs: DeployInputs): Promise<void> {
  await stage.group(`${inputs.tool} init`, () =>
    tf.run('init', initArgs(inputs), { ...streamed, hints: failureHints(inputs) }),
  );
}

/** Terraform's one-line plan summary, only in the words and numbers it is made of. */
const PLAN_LINE = /^(Plan: \d+ to [a-z]+(?:, \d+ to [a-z]+)*\.|No changes\. [A-Za-z ,.]+)$/m;

/**
 * Plans into the saved plan file; returns the exit code (`PLAN_HAS_CHANGES` or 0). The `vars`
 * reach Terraform in a private file, removed once the plan is saved (apply needs no vars).
 */
async function plan(
  stage: Stage,
  tf: TerraformRunner,
  inputs: DeployInputs,
  { planFile, privateDir }: { planFile: string; privateDir: string },
): Promise<number> {
  return stage.group(`${inputs.tool} plan`, async () => {
    const varsFile =
      inputs.vars.length === 0 ? undefined : writeVarsFile(privateDir, inputs.vars, inputs.structuredVars);
    try {
      const result = await tf.run('plan', planArgs(inputs, planFile, inputs.declaresBypass, varsFile), {
        okCodes: [PLAN_HAS_CHANGES],
        privateFiles: varsFile === undefined ? [] : [varsFile],
      });
      // Only Terraform's own one-line summary: the full plan text can show values.
      core.info(PLAN_LINE.exec(result.stdout)?.[1] ?? `${inputs.tool} plan exited with ${result.code}`);
      return result.code;
    } finally {
      if (varsFile !== undefined) rmSync(varsFile, { force: true });
    }
  });
}

interface ReadPlan {
  planned: PlanSummary;
  running: RunningCommit[];
  hasChanges: boolean;
}

/**
 * What the steps after `terraform show -json` need of the plan: its summary and the commits the
 * running services carry; the changes and environments go to the summary. The document itself
 * (several MB for a large stack) is not kept, so that it can be collected while Terraform applies.
 */
async function readPlan(
  stage: Stage,
  tf: TerraformRunner,
  { planFile, planExit, tool }: { planFile: string; planExit: number; tool: IacTool },
): Promise<ReadPlan> {
  const document = parsePlan((await tf.run('show', showArgs(planFile))).stdout, tool);
  const planned = summarisePlan(document);
  const hasChanges = planExit === PLAN_HAS_CHANGES && planned.hasChanges;
  stage.row('Changes', hasChanges ? changeLine(planned) : 'none');
  for (const table of environmentTables(planned)) stage.table(table);
  const changes = resourceChangesTable(planned);
  if (changes !== undefined) stage.table(changes);
  return { planned, running: runningCommits(document), hasChanges };
}

/** The runtime contract's rules and the destroy guard: any error stops the run before apply. */
function checkThePlan(
  stage: Stage,
  inputs: DeployInputs,
  planned: PlanSummary,
  found: (findings: readonly Finding[]) => void,
): void {
  // Terraform only warns of a value for an undeclared variable in a file; inputs.ts read the
  // stack's declarations, and the plan's own list is the last word.
  const undeclared = undeclaredVars(
    inputs.vars.map(([name]) => name),
    planned,
  );
  if (undeclared.length > 0) {
    throw new ConfigurationError(
      `input "${Inputs.Vars}" sets ${undeclared.join(', ')}, which the stack's plan does not know as variables: check the names; nothing was applied`,
    );
  }
  const findings = checkPlanAgainstContract(planned, {
    contract: inputs.contract,
    hasContract: inputs.contract.file !== '',
    environment: inputs.environment,
    production: inputs.production,
    allowDevAuthBypass: inputs.allowDevAuthBypass,
    bypassVariable: inputs.bypassVariable,
    allowDestroy: inputs.allowDestroy,
    project: inputs.project,
    tool: inputs.tool,
  });
  found(findings);
  const errors = findings.filter((finding) => finding.level === 'error');
  if (errors.length > 0) {
    throw new Error(
      `the plan breaks ${errors.length} rule${errors.length === 1 ? '' : 's'} of the runtime contract (see the errors above); nothing was applied`,
    );
  }
}

/**
 * The stale-commit guard (see stale.ts) in its own log group; it adds the running commit and
 * the result to the summary rows, also when it fails. A stack without a Cloud Run service (the
 * platform stack) has nothing to guard. A stale run fails here, unless on-stale is skip.
 */
async function guardAgainstStaleCommit(
  stage: Stage,
  inputs: DeployInputs,
  running: readonly RunningCommit[],
  applying: boolean,
  found: (findings: readonly Finding[]) => void,
): Promise<Decision> {
  if (running.length === 0) return { outcome: 'apply', notes: [], result: '' };
  stage.row('Running commit', describeRunning(running));
  let result = 'failed';
  try {
    const decision = await stage.group('Stale-commit guard', async () => {
      const deadline = Date.now() + Math.min(STALE_CHECK_DEADLINE_MS, inputs.timeoutMs);
      const decided = await checkStaleCommit({
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
            signal: AbortSignal.any([signal, stage.cancelled]),
          });
        },
      });
      found(decided.notes);
      if (decided.outcome === 'skip' && decided.message !== undefined) stage.warning(decided.message);
      return decided;
    });
    result = decision.result;
    if (decision.outcome === 'fail') {
      throw new Error(decision.message ?? 'the running service carries a newer commit');
    }
    return decision;
  } finally {
    stage.row('Stale check', result);
  }
}

/** Every Secret Manager secret the plan reads exists and has an enabled version. */
async function preflight(
  stage: Stage,
  inputs: DeployInputs,
  planned: PlanSummary,
  google: GoogleApi,
  report: ReportState,
): Promise<void> {
  const references = secretReferences(planned);
  if (references.length === 0) return;
  if (inputs.project === '') {
    throw new ConfigurationError(
      `input "${Inputs.Project}" is required: the plan reads Secret Manager secrets and the preflight checks each has a version`,
    );
  }
  const title = `Secret preflight: ${references.length} secret${references.length === 1 ? '' : 's'}`;
  const results = await stage.group(title, async () => {
    const deadline = Date.now() + Math.min(PREFLIGHT_TIMEOUT_MS, inputs.timeoutMs);
    const checked = await preflightSecrets(
      new SecretManager(google),
      references,
      inputs.project,
      deadline,
      stage.cancelled,
    );
    for (const result of checked) {
      core.info(
        logLine(
          `${result.secret}:${result.version} ${result.ok ? `ok (version ${result.resolved ?? '?'})` : 'MISSING'}`,
        ),
      );
    }
    return checked;
  });
  report.preflight.push(...results);
  stage.table(preflightTable(results));
  const missing = results.filter((result) => !result.ok);
  for (const result of missing) core.error(`${STAGE}: ${result.problem ?? result.secret}`);
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} secret${missing.length === 1 ? '' : 's'} not ready: ${missing.map((m) => m.secret).join(', ')}; nothing was applied`,
    );
  }
}

/** Applies the saved plan unless there is nothing to apply; returns the summary's headline. */
async function applyIfNeeded(
  stage: Stage,
  tf: TerraformRunner,
  inputs: DeployInputs,
  planFile: string,
  { planned, hasChanges, skipped }: { planned: PlanSummary; hasChanges: boolean; skipped: boolean },
): Promise<string> {
  if (skipped) return `not applied: the running service carries a newer commit (${Inputs.OnStale}: skip)`;
  if (inputs.planOnly) return `planned (${hasChanges ? changeLine(planned) : 'no changes'}), not applied`;
  if (!hasChanges) return 'no changes';
  await apply(stage, tf, inputs, planFile);
  return `applied (${changeLine(planned)})`;
}

/** What an explained failure may name: the state bucket, the repository. */
function failureHints(inputs: DeployInputs): FailureHints {
  const stateBucket = stateBucketOf(inputs.backendConfig);
  return {
    ...(stateBucket === undefined ? {} : { stateBucket }),
    repository: inputs.repository,
    tool: inputs.tool,
  };
}

/**
 * Applies the saved plan with Terraform's JSON UI, read line by line: the log gets readable
 * progress lines, the summary what was applied and what failed (also when the apply fails or
 * is interrupted).
 */
async function apply(
  stage: Stage,
  tf: TerraformRunner,
  inputs: DeployInputs,
  planFile: string,
): Promise<void> {
  const log = new ApplyLog();
  try {
    await stage.group(`${inputs.tool} apply (the saved plan)`, () =>
      tf.run('apply', applyArgs(inputs, planFile), {
        onOutput: (lines, stream) => writeFenced(stream === 'stdout' ? log.read(lines) : lines),
        diagnostics: () => log.errorText(),
        hints: failureHints(inputs),
      }),
    );
  } catch (error) {
    const failed = log.applied.filter(
      (resource) => resource.status !== 'complete' && resource.status !== 'pending',
    );
    const done = log.applied.filter((resource) => resource.status === 'complete');
    if (log.applied.length > 0) {
      stage.headline(
        `apply failed: ${done.length} of ${log.applied.length} changes applied, ${failed.length} failed`,
      );
    }
    throw error;
  } finally {
    for (const table of applyTables(log)) stage.table(table);
  }
}

/** The non-sensitive Terraform outputs; a sensitive one is masked, should anything echo it. */
async function readOutputs(tf: TerraformRunner, tool: IacTool): Promise<Record<string, unknown>> {
  const printed = await tf.run('output', outputArgs());
  let parsed: unknown;
  try {
    parsed = JSON.parse(printed.stdout || '{}');
  } catch {
    // Not JSON.parse's message: it quotes the text, which holds the sensitive outputs too.
    throw new Error(`${tool} output -json printed no valid JSON (${printed.stdout.length} characters)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${tool} output -json printed JSON that is not an object of outputs`);
  }
  const all = parsed as Record<string, TerraformOutput>;
  for (const output of Object.values(all)) {
    if (output.sensitive === true && typeof output.value === 'string') registerSecret(output.value);
  }
  return Object.fromEntries(
    Object.entries(all)
      .filter(([, output]) => output.sensitive !== true)
      .map(([name, output]) => [name, output.value]),
  );
}

function setOutputs(
  stage: Stage,
  outputs: Record<string, unknown>,
  {
    hasChanges,
    skipped,
    previous,
  }: { hasChanges: boolean; skipped: boolean; previous: Parameters<typeof splitOutput>[0] },
): void {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const url = text(outputs['url']);
  const revision = text(outputs['revision']);
  const previousRevision = splitOutput(previous);
  const previousForm: OutputForm =
    previous.length === 1 && previous[0]?.percent === 100
      ? { kind: 'name', name: 'revision' }
      : { kind: 'json' };
  const checked: [string, string, OutputForm][] = [
    [Outputs.Url, url, { kind: 'url' }],
    [Outputs.Revision, revision, { kind: 'name', name: 'revision' }],
    [Outputs.PreviousRevision, previousRevision, previousForm],
    [Outputs.Outputs, JSON.stringify(outputs), { kind: 'json' }],
    [Outputs.HasChanges, String(hasChanges), { kind: 'boolean' }],
    [Outputs.Stale, String(skipped), { kind: 'boolean' }],
  ];
  // Terraform's url and revision flow into health-check: one of the wrong form sets no output at
  // all (setCheckedOutput throws its error, naming the output, before anything is set).
  const wrong = checked.find(([, value, form]) => outputProblem(value, form) !== undefined);
  if (wrong !== undefined) setCheckedOutput(...wrong);
  for (const [name, value, form] of checked) setCheckedOutput(name, value, form);
  if (url !== '') stage.row('URL', url);
  if (revision !== '') stage.row('Revision', revision);
}
