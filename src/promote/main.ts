import * as core from '@actions/core';
import { CloudRun, type RunService, type ServiceRef } from '../lib/cloud-run.js';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { GoogleApiError } from '../lib/google-api.js';
import { googleApi } from '../lib/google-auth.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { splitOutput, splitText } from '../lib/traffic.js';
import { trafficChart } from './chart.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import { describeInputs, readInputs, type PromoteInputs } from './inputs.js';
import {
  continuesFrom,
  found,
  promote,
  restore,
  shareOf,
  TrafficMovedError,
  type Found,
  type RolloutContext,
  type StepRecord,
} from './rollout.js';

/** A restore gets this long of its own, whatever was left of the timeout (it may run at a cancel). */
const RESTORE_BUDGET_MS = 60_000;
/** A cancelled step is killed 10 s after the runner's SIGINT: the restore must be done before. */
const CANCEL_RESTORE_MS = 8_000;

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      stage.headline('not promoted');
      const deadline = stage.startedAt + inputs.timeoutMs;
      const ref: ServiceRef = { project: inputs.project, region: inputs.region, service: inputs.service };
      stage.row('Service', `${inputs.service} (${inputs.region}, ${inputs.project})`);
      stage.row('Revision', inputs.revision);
      stage.row('Steps', inputs.steps.map((step) => `${step}%`).join(' → '));
      // No cancellation signal on the client: a restore must still reach Cloud Run when the step
      // is cancelled; the rollout's own waits stop on stage.cancelled.
      const cloudRun = new CloudRun(
        googleApi(process.env, undefined, (reason, waitMs) =>
          core.info(`${reason}; trying again in ${formatMs(waitMs)}`),
        ),
      );
      const start = await stage.group(`Reading ${inputs.service}`, () =>
        readStart(cloudRun, ref, inputs, deadline),
      );
      stage.row('Found', splitText(start.split));
      setCheckedOutput(Outputs.PreviousRevision, splitOutput(start.split), { kind: 'line' });
      const records: StepRecord[] = [
        {
          label: 'found',
          percent: shareOf(start.split, inputs.revision),
          split: start.split,
          checks: 0,
          failures: 0,
          outcome: 'found',
          detail: splitText(start.split),
        },
      ];
      const context: RolloutContext = {
        cloudRun,
        ref,
        revision: inputs.revision,
        tag: inputs.tag,
        probe: {
          path: inputs.path,
          expectedStatus: inputs.expectedStatus,
          expect: inputs.expect,
          bearerToken: inputs.bearerToken,
          requestTimeoutMs: inputs.requestTimeoutMs,
        },
        stepWaitMs: inputs.stepWaitMs,
        deadline,
        signal: stage.cancelled,
        log: (line) => core.info(line),
      };
      const undo = undoer(stage, context, start, records);
      try {
        const end = await promote(context, start, inputs.steps, records, undo.moved);
        showRollout(stage, inputs, records);
        const moved = records.length > 1;
        stage.headline(
          moved
            ? `${inputs.revision} serves 100% after ${records.length - 1} step${records.length === 2 ? '' : 's'}`
            : `${inputs.revision} already served 100%`,
        );
        setOutputs(inputs.revision, false);
        core.info(
          `${STAGE}: ${inputs.revision} serves ${splitText([{ revision: inputs.revision, percent: 100 }])}${endUrl(end)}`,
        );
      } catch (error) {
        if (error instanceof TrafficMovedError || !undo.hasMoved()) {
          showRollout(stage, inputs, records);
          setOutputs(start.split.length === 1 ? (start.split[0]?.revision ?? '') : '', false);
          throw error;
        }
        const why = messageOf(error);
        try {
          await undo.now(Date.now() + RESTORE_BUDGET_MS);
        } catch (restoreError) {
          showRollout(stage, inputs, records);
          setOutputs('', false);
          stage.headline('failed, and the traffic is not back');
          throw new Error(`${why}; and ${messageOf(restoreError)}`, { cause: restoreError });
        }
        showRollout(stage, inputs, records);
        setOutputs(start.split.length === 1 ? (start.split[0]?.revision ?? '') : '', true);
        stage.headline('rolled back');
        throw new Error(`${why}; the traffic is back to ${splitText(start.split)}`, { cause: error });
      }
    },
  });
}

function endUrl(service: RunService): string {
  return typeof service.uri === 'string' ? ` at ${service.uri}` : '';
}

function setOutputs(revision: string, rolledBack: boolean): void {
  setCheckedOutput(Outputs.Revision, revision, { kind: 'name', name: 'revision' });
  setCheckedOutput(Outputs.RolledBack, String(rolledBack), { kind: 'boolean' });
}

/**
 * The service and revision as they are, checked before anything changes: the revision is the
 * service's and ready; the traffic is where deploy left it (when `previous-revision` is given).
 */
async function readStart(
  cloudRun: CloudRun,
  ref: ServiceRef,
  inputs: PromoteInputs,
  deadline: number,
): Promise<Found> {
  // Both at once: neither answer depends on the other.
  const asked = cloudRun.getRevision(ref, inputs.revision, deadline);
  asked.catch(() => undefined);
  const service = await cloudRun.getService(ref, deadline);
  const start = found(service);
  core.info(`${inputs.service} serves ${splitText(start.split)}`);
  let revision;
  try {
    revision = await asked;
  } catch (error) {
    if (error instanceof GoogleApiError && error.httpStatus === 404) {
      throw new ConfigurationError(
        `input "${Inputs.Revision}" is "${inputs.revision}", which is not a revision of service ${inputs.service} in ${inputs.region}: give one of its revisions (the deploy stage's revision output, or an older one to roll back)`,
      );
    }
    throw error;
  }
  const ready = (revision.conditions ?? []).find((condition) => condition.type === 'Ready');
  if (ready?.state !== 'CONDITION_SUCCEEDED') {
    throw new Error(
      `revision ${inputs.revision} is not ready (${ready?.state ?? 'no Ready condition'}${ready?.reason === undefined ? '' : `, ${ready.reason}`}): it cannot take traffic`,
    );
  }
  if (inputs.previous !== undefined && !continuesFrom(inputs.previous, start.split, inputs.revision)) {
    throw new Error(
      `the traffic changed since deploy pinned it: deploy found ${splitText(inputs.previous)}, it serves ${splitText(start.split)} now; someone else moved it, and promote changed nothing. Look at the service's traffic, then run promote again without "${Inputs.PreviousRevision}" to start from the split as it is`,
    );
  }
  if (shareOf(start.split, inputs.revision) > 0) {
    core.info(
      `${inputs.revision} already serves ${shareOf(start.split, inputs.revision)}%: the steps at or below it are done`,
    );
  }
  return start;
}

/** The one restore of a run: from the failure path or from a cancellation, whichever comes first. */
function undoer(stage: Stage, context: RolloutContext, start: Found, records: StepRecord[]) {
  let moved = false;
  let restoring: Promise<void> | undefined;
  const now = (deadline: number): Promise<void> => {
    restoring ??= (async () => {
      core.info(`putting back ${splitText(start.split)}`);
      await restore(context, start, deadline);
      records.push({
        label: 'restored',
        percent: shareOf(start.split, context.revision),
        split: start.split,
        checks: 0,
        failures: 0,
        outcome: 'restored',
        detail: splitText(start.split),
      });
      core.info(`the traffic is back to ${splitText(start.split)}`);
    })();
    return restoring;
  };
  // A cancelled step restores from the lifecycle's cleanups (they run before the summary).
  stage.defer(async () => {
    if (!moved || !stage.cancelled.aborted) return;
    const last = records.at(-1);
    if (last !== undefined && last.outcome === 'failed') last.outcome = 'cancelled';
    try {
      await now(Date.now() + CANCEL_RESTORE_MS);
      setOutputs(start.split.length === 1 ? (start.split[0]?.revision ?? '') : '', true);
      stage.note(`cancelled: the traffic is back to ${splitText(start.split)}`);
    } catch (error) {
      stage.note(`cancelled, and ${messageOf(error)}`);
    }
    showRollout(stage, { revision: context.revision }, records);
  });
  return {
    moved: () => {
      moved = true;
    },
    hasMoved: () => moved,
    now,
  };
}

let shown = false;
/** The rollout in the summary: a chart of the revision's share over the steps, and a table. */
function showRollout(
  stage: Stage,
  inputs: Pick<PromoteInputs, 'revision'>,
  records: readonly StepRecord[],
): void {
  if (shown) return;
  shown = true;
  stage.table({
    title: `Rollout of ${inputs.revision}`,
    header: ['Step', 'Traffic', 'Checks', 'Result'],
    rows: records.map((record) => [
      record.label,
      splitText(record.split),
      record.outcome === 'found' || record.outcome === 'restored'
        ? ''
        : `${record.checks - record.failures} of ${record.checks} healthy`,
      record.outcome === 'failed' || record.outcome === 'cancelled'
        ? `❌ ${record.outcome}: ${record.detail}`
        : record.outcome === 'healthy'
          ? `✅ ${record.detail}`
          : record.outcome,
    ]),
    ...(records.length > 1 ? { mermaid: trafficChart(inputs.revision, records) } : {}),
  });
}
