import * as core from '@actions/core';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { formatMs } from '../lib/format.js';
import { runStage, type Stage } from '../lib/stage.js';
import { waitForRevision, type ReadyRevision } from './cloud-run.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import { describeInputs, readInputs, type CloudRunTarget, type HealthCheckInputs } from './inputs.js';
import { joinUrl, waitForHealthy, type Healthy } from './probe.js';

/** The custom domain gets this long at most: it only warns, so it must not hold the job up. */
const CUSTOM_DOMAIN_BUDGET_MS = 30_000;

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      stage.headline('not healthy');
      const deadline = stage.startedAt + inputs.timeoutMs;
      const ready =
        inputs.cloudRun === undefined
          ? undefined
          : await waitForTheRevision(stage, inputs.cloudRun, deadline);
      const base = resolveBaseUrl(inputs, ready);
      const url = joinUrl(base, inputs.path);
      stage.row('URL', url.href);
      const healthy = await getHealthPath(stage, inputs, url, deadline);
      if (inputs.customDomain !== undefined) {
        stage.row('Custom domain', await checkCustomDomain(stage, inputs, inputs.customDomain));
      }
      const revision = ready?.revision ?? revisionFromBody(healthy.body);
      stage.headline(`healthy in ${formatMs(Date.now() - stage.startedAt)}`);
      core.setOutput(Outputs.Url, base.href.replace(/\/$/, ''));
      core.setOutput(Outputs.Revision, revision);
      core.setOutput(Outputs.Attempts, String(healthy.attempts));
      core.info(`${STAGE}: ${url.href} is healthy${revision ? ` (revision ${revision})` : ''}`);
    },
  });
}

/** Waits until the revision is ready and takes traffic, logging each new reason to wait once. */
async function waitForTheRevision(
  stage: Stage,
  target: CloudRunTarget,
  deadline: number,
): Promise<ReadyRevision> {
  stage.row('Service', `${target.service} (${target.region}${target.project ? `, ${target.project}` : ''})`);
  const ready = await stage.group(
    `Waiting for revision ${target.revision || '(latest)'} of ${target.service} to be ready`,
    async () => {
      let lastReason = '';
      const revision = await waitForRevision(target, deadline, (reason) => {
        if (reason !== lastReason) core.info(reason);
        lastReason = reason;
      });
      core.info(
        `revision ${revision.revision} is ready and takes ${revision.trafficPercent}% of the traffic`,
      );
      return revision;
    },
  );
  stage.row('Revision', `${ready.revision} (${ready.trafficPercent}% of traffic)`);
  return ready;
}

/** The `url` input, else the URL Cloud Run reports for the service. */
function resolveBaseUrl(inputs: HealthCheckInputs, ready: ReadyRevision | undefined): URL {
  const base = inputs.url ?? (ready?.url ? new URL(ready.url) : undefined);
  if (base === undefined) {
    throw new ConfigurationError(`the service reports no URL; set input "${Inputs.Url}"`);
  }
  return base;
}

/** Polls the health URL until it answers as expected. */
async function getHealthPath(
  stage: Stage,
  inputs: HealthCheckInputs,
  url: URL,
  deadline: number,
): Promise<Healthy> {
  const healthy = await stage.group(`GET ${url.href}`, async () => {
    const answer = await waitForHealthy(url, inputs, deadline, (attempt, reason) =>
      core.info(`attempt ${attempt}: ${reason}`),
    );
    core.info(`attempt ${answer.attempts}: ${answer.status} in ${formatMs(answer.durationMs)}`);
    return answer;
  });
  stage.row(
    'Answer',
    `${healthy.status} after ${healthy.attempts} attempt${healthy.attempts === 1 ? '' : 's'}`,
  );
  if (inputs.expect !== undefined) stage.row('Body contains', JSON.stringify(inputs.expect));
  return healthy;
}

/** Checks the custom domain within a short budget; a failure is a warning, never the step's failure. */
async function checkCustomDomain(stage: Stage, inputs: HealthCheckInputs, domain: URL): Promise<string> {
  const url = joinUrl(domain, inputs.path);
  const deadline = Date.now() + Math.min(CUSTOM_DOMAIN_BUDGET_MS, inputs.timeoutMs);
  return stage.group(`GET ${url.href} (custom domain)`, async () => {
    try {
      const healthy = await waitForHealthy(url, inputs, deadline, (attempt, reason) =>
        core.info(`custom domain attempt ${attempt}: ${reason}`),
      );
      core.info(`custom domain ${url.href} answered ${healthy.status}`);
      return `✅ ${url.href} answered ${healthy.status}`;
    } catch (error) {
      stage.warning(
        `the custom domain ${url.href} is not healthy (${messageOf(error)}); the service itself is.`,
      );
      return `⚠️ ${url.href}: ${messageOf(error)}`;
    }
  });
}

/** The revision the /health body names, for a check without Cloud Run. */
function revisionFromBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { revision?: unknown };
    return typeof parsed.revision === 'string' ? parsed.revision : '';
  } catch {
    return '';
  }
}
