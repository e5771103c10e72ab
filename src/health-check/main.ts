import * as core from '@actions/core';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { CloudRun } from '../lib/cloud-run.js';
import { formatMs } from '../lib/format.js';
import { googleApi } from '../lib/google-auth.js';
import { isName, shown } from '../lib/names.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { waitForRevision, type ReadyRevision } from './cloud-run.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import {
  describeInputs,
  mayCarryToken,
  parseBaseUrl,
  readInputs,
  type CloudRunTarget,
  type HealthCheckInputs,
} from './inputs.js';
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
      setCheckedOutput(Outputs.Url, base.href.replace(/\/$/, ''), { kind: 'url' });
      setCheckedOutput(Outputs.Revision, revision, { kind: 'name', name: 'revision' });
      setCheckedOutput(Outputs.Attempts, String(healthy.attempts), { kind: 'count' });
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
  stage.row('Service', `${target.service} (${target.region}, ${target.project})`);
  const ready = await stage.group(
    `Waiting for revision ${target.revision || '(latest)'} of ${target.service} to be ready`,
    async () => {
      const api = googleApi(process.env, stage.cancelled, (reason, waitMs) =>
        core.info(`${reason}; trying again in ${formatMs(waitMs)}`),
      );
      let lastReason = '';
      const revision = await waitForRevision(
        new CloudRun(api),
        target,
        deadline,
        (reason) => {
          if (reason !== lastReason) core.info(reason);
          lastReason = reason;
        },
        stage.cancelled,
      );
      core.info(
        `revision ${revision.revision} is ready and takes ${revision.trafficPercent}% of the traffic`,
      );
      return revision;
    },
  );
  stage.row('Revision', `${ready.revision} (${ready.trafficPercent}% of traffic)`);
  return ready;
}

/**
 * The `url` input, else the URL Cloud Run reports for the service: an http(s) URL, and HTTPS (or
 * loopback) when a bearer token will be sent to it.
 */
function resolveBaseUrl(inputs: HealthCheckInputs, ready: ReadyRevision | undefined): URL {
  if (inputs.url !== undefined) return inputs.url;
  if (!ready?.url) throw new ConfigurationError(`the service reports no URL; set input "${Inputs.Url}"`);
  let base: URL;
  try {
    base = parseBaseUrl('url', ready.url);
  } catch {
    throw new Error(
      `Cloud Run reported ${shown(ready.url)} as the service's URL, which is not an http(s) URL`,
    );
  }
  if (inputs.bearerToken !== '' && !mayCarryToken(base)) {
    throw new Error(
      `Cloud Run reported the plain http:// URL ${shown(base.href)}; the bearer token is sent only over HTTPS or to a loopback address`,
    );
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
      // The token is for the service's own URL: a custom domain (another host, maybe another
      // party's proxy or CDN) never gets it.
      const withoutToken = { ...inputs, bearerToken: '', target: 'custom-domain' as const };
      const healthy = await waitForHealthy(url, withoutToken, deadline, (attempt, reason) =>
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
    // What a body says is only an output when it is a revision name.
    return typeof parsed.revision === 'string' && isName('revision', parsed.revision) ? parsed.revision : '';
  } catch {
    return '';
  }
}
