import * as core from '@actions/core';
import { ConfigurationError, messageOf } from '../lib/errors.js';
import { CloudRun } from '../lib/cloud-run.js';
import { formatMs } from '../lib/format.js';
import { googleApi } from '../lib/google-auth.js';
import { isName, shown } from '../lib/names.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { waitForRevision, type ReadyRevision } from './cloud-run.js';
import { tagRevision, untag } from './tag.js';
import { Inputs, Outputs, STAGE } from './constants.js';
import {
  describeInputs,
  parseBaseUrl,
  readInputs,
  type CloudRunTarget,
  type HealthCheckInputs,
} from './inputs.js';
import { joinUrl, mayCarryToken, TAG_PROBE_BACKOFF, waitForHealthy, type Healthy } from '../lib/probe.js';
import type { Backoff } from '../lib/poll.js';

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
      const target = inputs.cloudRun;
      const cloudRun = target === undefined ? undefined : cloudRunClient(stage);
      const ready =
        target === undefined || cloudRun === undefined
          ? undefined
          : await waitForTheRevision(stage, cloudRun, target, deadline);
      const base = resolveBaseUrl(inputs, ready);
      // With a tag, the check runs on the tag's own URL: only the tagged revision answers there.
      const tagged =
        target === undefined || cloudRun === undefined || ready === undefined || target.tag === ''
          ? undefined
          : await tagTheRevision(stage, inputs, cloudRun, target, ready, deadline);
      const tagUrl = tagged?.url;
      const url = joinUrl(tagUrl ?? base, inputs.path);
      stage.row('URL', url.href);
      let healthyAnswer = false;
      if (tagged?.patched === true && target !== undefined) {
        // A candidate that fails its check (or a cancelled check) keeps nothing: the tag this
        // step gave it goes again, so no URL reaches a revision that did not prove itself.
        stage.defer(() => (healthyAnswer ? undefined : removeTag(stage, target)));
      }
      const healthy = await getHealthPath(
        stage,
        inputs,
        url,
        deadline,
        tagged === undefined ? undefined : TAG_PROBE_BACKOFF,
      );
      healthyAnswer = true;
      if (inputs.customDomain !== undefined) {
        stage.row('Custom domain', await checkCustomDomain(stage, inputs, inputs.customDomain));
      }
      const revision = ready?.revision ?? revisionFromBody(healthy.body);
      stage.headline(`healthy in ${formatMs(Date.now() - stage.startedAt)}`);
      setCheckedOutput(Outputs.Url, base.href.replace(/\/$/, ''), { kind: 'url' });
      setCheckedOutput(Outputs.TagUrl, tagUrl === undefined ? '' : tagUrl.href.replace(/\/$/, ''), {
        kind: 'url',
      });
      setCheckedOutput(Outputs.Revision, revision, { kind: 'name', name: 'revision' });
      setCheckedOutput(Outputs.Attempts, String(healthy.attempts), { kind: 'count' });
      core.info(`${STAGE}: ${url.href} is healthy${revision ? ` (revision ${revision})` : ''}`);
    },
  });
}

/** The Cloud Run Admin API client of this run (one token, its retries logged). */
function cloudRunClient(stage: Stage): CloudRun {
  const api = googleApi(process.env, stage.cancelled, (reason, waitMs) =>
    core.info(`${reason}; trying again in ${formatMs(waitMs)}`),
  );
  return new CloudRun(api);
}

/**
 * Waits until the revision is ready and takes traffic (with a tag: is ready, at any traffic),
 * logging each new reason to wait once.
 */
async function waitForTheRevision(
  stage: Stage,
  cloudRun: CloudRun,
  target: CloudRunTarget,
  deadline: number,
): Promise<ReadyRevision> {
  stage.row('Service', `${target.service} (${target.region}, ${target.project})`);
  const ready = await stage.group(
    `Waiting for revision ${target.revision || '(latest)'} of ${target.service} to be ready`,
    async () => {
      let lastReason = '';
      const revision = await waitForRevision(
        cloudRun,
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
 * Gives the ready revision the tag (one PATCH of the traffic, the split kept; none when it has
 * the tag already) and returns the tag's URL, checked as the service's URL is.
 */
async function tagTheRevision(
  stage: Stage,
  inputs: HealthCheckInputs,
  cloudRun: CloudRun,
  target: CloudRunTarget,
  ready: ReadyRevision,
  deadline: number,
): Promise<{ url: URL; patched: boolean }> {
  const ref = { project: target.project, region: target.region, service: target.service };
  const tagged = await stage.group(`Tagging revision ${ready.revision} ${target.tag}`, async () => {
    let lastReason = '';
    const result = await tagRevision(
      cloudRun,
      ref,
      { revision: ready.revision, tag: target.tag },
      deadline,
      (line) => {
        if (line !== lastReason) core.info(line);
        lastReason = line;
      },
      stage.cancelled,
    );
    core.info(
      `the tag ${target.tag} is on ${ready.revision}${result.patched ? '' : ' (it was already)'}; the traffic stays at ${result.split}`,
    );
    return result;
  });
  const url = cloudRunUrl(inputs, tagged.uri, `the URL of the tag ${target.tag}`);
  stage.row('Tag', `${target.tag} → ${ready.revision}${tagged.patched ? '' : ' (already tagged)'}`);
  stage.row('Tag URL', url.href.replace(/\/$/, ''));
  return { url, patched: tagged.patched };
}

/** A restore has this long (at a cancellation the lifecycle cuts it sooner). */
const UNTAG_BUDGET_MS = 30_000;

/**
 * Removes the tag this step set, with a client of its own that a cancellation does not abort
 * (the step's client does). A failure is a warning: the check has failed already.
 */
async function removeTag(stage: Stage, target: CloudRunTarget): Promise<void> {
  const ref = { project: target.project, region: target.region, service: target.service };
  try {
    const removed = await untag(
      new CloudRun(googleApi(process.env, undefined)),
      ref,
      target.tag,
      Date.now() + UNTAG_BUDGET_MS,
    );
    if (removed) {
      core.info(`removed the tag ${target.tag}: the revision did not pass its check`);
      stage.row('Tag', `${target.tag} removed again (the check did not pass)`);
    }
  } catch (error) {
    stage.warning(
      `the tag ${target.tag} could not be removed (${messageOf(error)}); remove it with: gcloud run services update-traffic ${target.service} --region=${target.region} --project=${target.project} --remove-tags=${target.tag}`,
    );
  }
}

/**
 * The `url` input, else the URL Cloud Run reports for the service: an http(s) URL, and HTTPS (or
 * loopback) when a bearer token will be sent to it.
 */
function resolveBaseUrl(inputs: HealthCheckInputs, ready: ReadyRevision | undefined): URL {
  if (inputs.url !== undefined) return inputs.url;
  if (!ready?.url) throw new ConfigurationError(`the service reports no URL; set input "${Inputs.Url}"`);
  return cloudRunUrl(inputs, ready.url, "the service's URL");
}

/**
 * A URL Cloud Run reported (the service's, or a tag's): an http(s) URL, and HTTPS (or loopback)
 * when a bearer token will be sent to it.
 */
function cloudRunUrl(inputs: HealthCheckInputs, reported: string, what: string): URL {
  let base: URL;
  try {
    base = parseBaseUrl('url', reported);
  } catch {
    throw new Error(`Cloud Run reported ${shown(reported)} as ${what}, which is not an http(s) URL`);
  }
  if (inputs.bearerToken !== '' && !mayCarryToken(base)) {
    throw new Error(
      `Cloud Run reported the plain http:// URL ${shown(base.href)} as ${what}; the bearer token is sent only over HTTPS or to a loopback address`,
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
  backoff?: Backoff,
): Promise<Healthy> {
  const healthy = await stage.group(`GET ${url.href}`, async () => {
    const answer = await waitForHealthy(
      url,
      inputs,
      deadline,
      (attempt, reason) => core.info(`attempt ${attempt}: ${reason}`),
      backoff,
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
